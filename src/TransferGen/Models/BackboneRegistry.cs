namespace TransferGen.Models;

/// <summary>
/// The backbones <c>--backbone</c> can name. TorchVision architectures register themselves; other entries (the
/// imported ImageNet ResNet18, a backbone defined by a test or a plug-in) are added with <see cref="Register"/>.
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

    /// <summary>The backbone called <paramref name="name"/>; an <see cref="InputException"/> listing the names when unknown.</summary>
    public static BackboneSpec Get(string name)
    {
        lock (Gate)
            return Specs.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
                   ?? throw new InputException($"Unknown backbone '{name}' (known: {string.Join(", ", Specs.Select(s => s.Name))}).");
    }
}
