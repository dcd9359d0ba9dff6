using static TorchSharp.torch;

namespace TransferGen.Generation.Augmentation;

/// <summary>
/// A differentiable augmentation policy: augmentations applied one after another to every batch the discriminator
/// sees (DiffAugment, Zhao et al. 2020). The policy names of the paper: <c>color</c> (brightness, saturation,
/// contrast), <c>translation</c> (up to 1/8 of the side, zero padded) and <c>cutout</c> (half the side);
/// <c>diff</c> is all three.
/// </summary>
/// <example>
/// <code>
/// var augment = DiffAugment.Parse("diff");
/// using var rng = new torch.Generator(0);
/// var seen = augment.Apply(images, rng);   // what D sees instead of images
/// </code>
/// </example>
public sealed class DiffAugment
{
    /// <summary>The policy that augments nothing (the default of <c>gan train</c>).</summary>
    public const string None = "none";

    /// <summary>The full DiffAugment policy: <c>color,translation,cutout</c>.</summary>
    public const string Diff = "diff";

    /// <summary>The names a policy list may use, in DiffAugment's order.</summary>
    public static IReadOnlyList<string> PolicyNames { get; } = ["color", "translation", "cutout"];

    /// <summary>Creates a policy of <paramref name="operations"/>, applied in that order.</summary>
    /// <param name="operations">The augmentations.</param>
    /// <param name="policy">Its name as a policy string; the operations' names joined by commas when null.</param>
    public DiffAugment(IEnumerable<IImageAugmentation> operations, string? policy = null)
    {
        ArgumentNullException.ThrowIfNull(operations);
        Operations = operations.ToList();
        Policy = policy ?? (Operations.Count == 0 ? None : string.Join(",", Operations.Select(o => o.Name)));
    }

    /// <summary>The augmentations, in the order they are applied.</summary>
    public IReadOnlyList<IImageAugmentation> Operations { get; }

    /// <summary>The policy as a string ("color,translation,cutout", or "none").</summary>
    public string Policy { get; }

    /// <summary>True when the policy augments nothing.</summary>
    public bool IsEmpty => Operations.Count == 0;

    /// <summary>
    /// Parses <c>none</c>, <c>diff</c>, or a comma list of <see cref="PolicyNames"/> (each at most once, applied in the
    /// given order); an <see cref="InvalidOptionException"/> about <paramref name="option"/> otherwise.
    /// </summary>
    /// <param name="policy">The policy string (case and spaces around names are ignored).</param>
    /// <param name="option">The option the policy came from, named in the error ("Type.Property").</param>
    public static DiffAugment Parse(string policy, string option = nameof(DiffAugment) + "." + nameof(Policy))
    {
        ArgumentNullException.ThrowIfNull(policy);
        var text = policy.Trim().ToLowerInvariant();
        if (text == None) return new DiffAugment([], None);
        if (text == Diff) return new DiffAugment(PolicyNames.SelectMany(Family), Diff);
        var names = text.Split(',').Select(n => n.Trim()).ToList();
        var operations = new List<IImageAugmentation>();
        var seen = new HashSet<string>();
        foreach (var name in names)
        {
            if (name.Length == 0) throw new InvalidOptionException($"{{0}} has an empty entry ('{Escaped(policy)}').", option);
            if (!PolicyNames.Contains(name))
                throw new InvalidOptionException(
                    $"Unknown augmentation '{Escaped(name)}' in {{0}} (give {None}, {Diff}, or a comma list of: {string.Join(", ", PolicyNames)}).", option);
            if (!seen.Add(name)) throw new InvalidOptionException($"{{0}} names the augmentation '{name}' twice.", option);
            operations.AddRange(Family(name));
        }
        return new DiffAugment(operations, string.Join(",", names));
    }

    /// <summary>The augmentations a policy name stands for: <c>color</c> is brightness, saturation and contrast.</summary>
    public static IReadOnlyList<IImageAugmentation> Family(string name) => name switch
    {
        "color" => [new Brightness(), new Saturation(), new Contrast()],
        "translation" => [new Translation()],
        "cutout" => [new Cutout()],
        _ => throw new ArgumentException($"unknown augmentation policy '{name}'", nameof(name)),
    };

    /// <summary>
    /// Applies every augmentation of the policy to <paramref name="images"/> float [B, C, H, W], each to each image with
    /// probability <paramref name="probability"/> (drawn independently per augmentation and image, as ADA does; 1,
    /// the default, is DiffAugment). Differentiable with respect to the images.
    /// </summary>
    /// <param name="images">The batch.</param>
    /// <param name="generator">Source of every random draw; LibTorch's global generator when null.</param>
    /// <param name="probability">Chance of each augmentation for each image, in [0, 1].</param>
    public Tensor Apply(Tensor images, Generator? generator = null, double probability = 1.0)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4)
            throw new ArgumentException($"images must be [B, C, H, W], got [{string.Join(", ", images.shape)}]", nameof(images));
        var x = images;
        foreach (var operation in Operations) x = operation.Apply(x, probability, generator);
        return x;
    }

    /// <inheritdoc />
    public override string ToString() => Policy;

    static string Escaped(string text) => text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);
}
