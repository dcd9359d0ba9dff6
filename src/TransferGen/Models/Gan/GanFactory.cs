using TransferGen.Data;

namespace TransferGen.Models.Gan;

/// <summary>Builds generator/discriminator pairs by architecture name, so a trainer and the CLI can treat them alike.</summary>
public static class GanFactory
{
    /// <summary>The architecture names <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Architectures { get; } = ["mlp", "dcgan", "cdcgan"];

    /// <summary>True when <paramref name="arch"/> is conditioned on class labels.</summary>
    public static bool IsConditional(string arch) => Normalize(arch) == "cdcgan";

    /// <summary>
    /// Creates a fresh generator and discriminator.
    /// <list type="bullet">
    /// <item><term>mlp</term><description>fully connected baseline, any image shape, unconditional</description></item>
    /// <item><term>dcgan</term><description>DCGAN, 28/32/64 px, 1 or 3 channels, unconditional</description></item>
    /// <item><term>cdcgan</term><description>class-conditional DCGAN; the discriminator kind comes from <see cref="GanOptions.Conditioning"/></description></item>
    /// </list>
    /// </summary>
    /// <param name="arch">"mlp", "dcgan" or "cdcgan" (case-insensitive).</param>
    /// <param name="shape">Shape of the training images.</param>
    /// <param name="classCount">Number of classes; used by "cdcgan" only (must be at least 2 there).</param>
    /// <param name="options">Architecture options; defaults when null.</param>
    /// <exception cref="InputException">Unknown architecture, unsupported image shape, or too few classes.</exception>
    public static (GanGenerator Generator, GanDiscriminator Discriminator) Create(string arch, ImageShape shape, int classCount, GanOptions? options = null)
    {
        options ??= new GanOptions();
        return (CreateGenerator(arch, shape, classCount, options), CreateDiscriminator(arch, shape, classCount, options));
    }

    /// <summary>
    /// Creates only a generator, e.g. the EMA copy of a trained one or a generator to load a checkpoint into.
    /// Parameters as for <see cref="Create"/>.
    /// </summary>
    public static GanGenerator CreateGenerator(string arch, ImageShape shape, int classCount, GanOptions? options = null)
    {
        options ??= new GanOptions();
        return Normalize(arch) switch
        {
            "mlp" => new MlpGenerator(shape, options),
            "dcgan" => new DcganGenerator(shape, null, options),
            _ => new DcganGenerator(shape, Classes(classCount), options),
        };
    }

    /// <summary>
    /// Creates only a discriminator. Parameters as for <see cref="Create"/>. With <see cref="GanOptions.Projected"/> set
    /// (and resolved) it is a <see cref="ProjectedDiscriminator"/> for any architecture, conditional for "cdcgan".
    /// </summary>
    public static GanDiscriminator CreateDiscriminator(string arch, ImageShape shape, int classCount, GanOptions? options = null)
    {
        options ??= new GanOptions();
        var name = Normalize(arch);
        if (options.Projected is not null)
            return new ProjectedDiscriminator(shape, name == "cdcgan" ? Classes(classCount) : null, options);
        return name switch
        {
            "mlp" => new MlpDiscriminator(shape, options),
            "dcgan" => new DcganDiscriminator(shape, null, options),
            _ => new DcganDiscriminator(shape, Classes(classCount), options),
        };
    }

    static string Normalize(string arch)
    {
        var name = arch.Trim().ToLowerInvariant();
        return Architectures.Contains(name)
            ? name
            : throw new InputException($"Unknown GAN architecture '{arch}' (choose one of: {string.Join(", ", Architectures)}).");
    }

    static int Classes(int classCount) => classCount >= 2
        ? classCount
        : throw new InputException($"The conditional GAN 'cdcgan' needs a dataset with at least 2 classes (it has {classCount}).");
}
