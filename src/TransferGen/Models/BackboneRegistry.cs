namespace TransferGen.Models;

/// <summary>
/// The backbones <c>--backbone</c> can name. TorchVision architectures register themselves; other entries (the
/// imported ImageNet ResNet18, a backbone defined by a test or a plug-in) are added with <see cref="Register"/>.
/// Registered names only: a run folder used as a backbone is resolved a layer up, by Transfer's BackboneResolver.
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

    /// <summary>The registered backbone called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static BackboneSpec? Find(string name)
    {
        lock (Gate) return Specs.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The registered backbone called <paramref name="name"/>; an <see cref="InputException"/> listing the names when
    /// unknown.
    /// </summary>
    public static BackboneSpec Get(string name) =>
        Find(name) ?? throw new InputException($"Unknown backbone '{name}' (known: {KnownNames}).");

    /// <summary>The registered names, comma-separated, for error messages.</summary>
    public static string KnownNames => string.Join(", ", All.Select(s => s.Name));
}
