namespace TransferGen.Models;

/// <summary>
/// The backbones <c>--backbone</c> can name. TorchVision architectures register themselves; other entries (the
/// imported ImageNet ResNet18, a backbone defined by a test or a plug-in) are added with <see cref="Register"/>.
/// A name that is not registered but reads as a folder is the run folder of a pretrain or fine-tune, whose trained
/// backbone <see cref="Transfer.RunBackbone"/> turns into an entry.
/// </summary>
public static class BackboneRegistry
{
    static readonly object Gate = new();
    static readonly List<BackboneSpec> Specs = [ImageNetBackbones.ResNet18(), .. TorchVisionBackbones.All()];

    /// <summary>All registered backbones, in registration order.</summary>
    public static IReadOnlyList<BackboneSpec> All
    {
        get { lock (Gate) return Specs.ToList(); }
    }

    /// <summary>Adds <paramref name="spec"/>, replacing an entry of the same name (so a re-registration updates it).</summary>
    public static void Register(BackboneSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        lock (Gate)
        {
            var index = Specs.FindIndex(s => s.Name == spec.Name);
            if (index >= 0) Specs[index] = spec;
            else Specs.Add(spec);
        }
    }

    /// <summary>
    /// The backbone called <paramref name="name"/>, or the one trained in the run folder <paramref name="name"/>; an
    /// <see cref="InputException"/> listing the names when unknown.
    /// </summary>
    public static BackboneSpec Get(string name)
    {
        string known;
        lock (Gate)
        {
            var registered = Specs.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
            if (registered is not null) return registered;
            known = string.Join(", ", Specs.Select(s => s.Name));
        }
        if (Transfer.RunBackbone.IsFolderName(name)) return Transfer.RunBackbone.Load(name);
        throw new InputException($"Unknown backbone '{name}' (known: {known}; or the run folder of a `transfergen pretrain` or `finetune`).");
    }
}
