using TorchSharp;
using TransferGen.Models.Gan;
using static TorchSharp.torch;

namespace TransferGen.Generation;

/// <summary>
/// Turning latent vectors into pictures: fixed-noise grids to watch training progress, latent interpolation strips,
/// and batches of generated images for FID/KID. Images come back as float in [0, 1] on the CPU.
/// </summary>
public static class GanSampling
{
    /// <summary>Seeded standard-normal latent vectors float [count, latentDim]: the same seed gives the same grid every epoch.</summary>
    public static Tensor FixedNoise(int count, int latentDim, long seed)
    {
        using var generator = new Generator((ulong)seed);
        return randn(new long[] { count, latentDim }, generator: generator);
    }

    /// <summary>
    /// Labels int64 [classCount·perClass] for a class grid: row r (of <paramref name="perClass"/> images) is class r.
    /// Pass nrow = perClass to <see cref="Grid"/>.
    /// </summary>
    public static Tensor ClassRowLabels(int classCount, int perClass) =>
        arange(classCount, dtype: ScalarType.Int64).repeat_interleave(perClass);

    /// <summary>
    /// Generates images from <paramref name="z"/> (and <paramref name="labels"/> for a conditional generator) and lays
    /// them out as a grid float [3, H', W'] in [0, 1] on the CPU (grey images are repeated to RGB, as torchvision's
    /// make_grid does), <paramref name="nrow"/> images per row, <paramref name="padding"/> black pixels between them.
    /// Runs in eval mode without gradients and restores the previous mode.
    /// </summary>
    public static Tensor Grid(IGenerator g, Tensor z, Tensor? labels = null, int nrow = 8, int padding = 2)
    {
        using var scope = NewDisposeScope();
        var images = Generate(g, z, labels);                                                                     // [B, C, H, W] in [0, 1]
        return Imaging.ImageGrid.Make(images, nrow, padding).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Latent points on the way from <paramref name="z0"/> to <paramref name="z1"/> (each [latentDim] or [1, latentDim]),
    /// both ends included: float [steps, latentDim]. Linear by default; spherical (slerp) keeps the points at a typical
    /// Gaussian norm, which a generator trained on N(0, I) saw, where the straight line would pass near the origin.
    /// </summary>
    public static Tensor Interpolate(Tensor z0, Tensor z1, int steps, bool spherical = false)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), steps, "an interpolation needs at least 2 steps");
        using var scope = NewDisposeScope();
        var a = z0.reshape(1, -1).to_type(ScalarType.Float64);
        var b = z1.reshape(1, -1).to_type(ScalarType.Float64);
        if (a.shape[1] != b.shape[1]) throw new ArgumentException("both ends must have the same latent size", nameof(z1));
        var t = linspace(0, 1, steps, dtype: ScalarType.Float64, device: a.device).reshape(-1, 1);              // [steps, 1]
        Tensor path;
        var cos = (a * b).sum() / (a.norm() * b.norm()).clamp_min(1e-12);
        var omega = cos.clamp(-1.0, 1.0).acos().item<double>();
        if (!spherical || omega < 1e-6 || Math.PI - omega < 1e-6)
        {
            // Lerp; also the slerp fallback for (anti)parallel ends, where the great circle is undefined.
            path = a + t * (b - a);                                                                             // [steps, nz]
        }
        else
        {
            var sin = Math.Sin(omega);
            path = ((1 - t) * omega).sin() / sin * a + (t * omega).sin() / sin * b;                             // [steps, nz]
        }
        return path.to_type(z0.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A one-row strip float [3, H', W'] in [0, 1] of the images along the interpolation from <paramref name="z0"/> to
    /// <paramref name="z1"/>; <paramref name="label"/> is the class for a conditional generator (kept fixed).
    /// </summary>
    public static Tensor InterpolationStrip(IGenerator g, Tensor z0, Tensor z1, int steps, int? label = null,
        bool spherical = false, int padding = 2)
    {
        using var scope = NewDisposeScope();
        var path = Interpolate(z0, z1, steps, spherical);
        var labels = label is int y ? full(steps, y, dtype: ScalarType.Int64) : null;
        return Grid(g, path, labels, nrow: steps, padding: padding).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Generates <paramref name="count"/> images in batches of <paramref name="batchSize"/>, each yielded as float
    /// [b, C, H, W] in [0, 1] on the CPU — the input an IFeatureExtractor expects. Deterministic for a seed. A
    /// conditional generator gets labels cycling through the classes (equal class counts). The caller owns each batch;
    /// FeatureExtraction.Collect disposes them for you.
    /// </summary>
    public static IEnumerable<Tensor> Batches(IGenerator g, int count, int batchSize, long seed)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count));
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize));
        using var generator = new Generator((ulong)seed);
        for (var start = 0; start < count; start += batchSize)
            yield return GenerateBatch(g, generator, start, Math.Min(batchSize, count - start));
    }

    /// <summary>
    /// The inputs <see cref="Batches"/> gives <paramref name="g"/> for <paramref name="seed"/>, drawn batch by batch the
    /// same way: latents float [count, latentDim] and, for a conditional generator, labels int64 [count] cycling through
    /// the classes (null otherwise). With them another runtime (an exported ONNX generator) can draw the same images.
    /// </summary>
    public static (Tensor Z, Tensor? Labels) Latents(IGenerator g, int count, int batchSize, long seed)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count));
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize));
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        var draws = new List<(Tensor Z, Tensor? Labels)>();
        for (var start = 0; start < count; start += batchSize) draws.Add(Draw(g, generator, start, Math.Min(batchSize, count - start)));
        var z = cat(draws.Select(d => d.Z).ToArray(), 0).MoveToOuterDisposeScope();
        var labels = g.ClassCount is null ? null : cat(draws.Select(d => d.Labels!).ToArray(), 0).MoveToOuterDisposeScope();
        return (z, labels);
    }

    static (Tensor Z, Tensor? Labels) Draw(IGenerator g, Generator generator, int start, int n)
    {
        var z = randn(new long[] { n, g.LatentDim }, generator: generator);                                   // [n, nz]
        var labels = g.ClassCount is int k ? arange(start, start + n, dtype: ScalarType.Int64).remainder(k) : null;
        return (z, labels);
    }

    // Its own scope, closed before the batch is yielded: a scope left open across a yield would collect the caller's tensors.
    static Tensor GenerateBatch(IGenerator g, Generator generator, int start, int n)
    {
        using var scope = NewDisposeScope();
        var (z, labels) = Draw(g, generator, start, n);
        return Generate(g, z, labels).MoveToOuterDisposeScope();
    }

    // Eval mode (BatchNorm running statistics, no spectral-norm updates), no gradients, inputs moved to the generator's
    // device, images mapped to [0, 1] on the CPU.
    static Tensor Generate(IGenerator g, Tensor z, Tensor? labels)
    {
        var module = g as nn.Module;
        var wasTraining = module?.training ?? false;
        module?.eval();
        try
        {
            using var _ = no_grad();
            var lat = z.reshape(-1, g.LatentDim);
            if (module is not null) lat = lat.to(DeviceOf(module));
            var lab = labels is null || module is null ? labels : labels.to(DeviceOf(module));
            return g.Generate(lat, lab).add(1).div_(2).clamp_(0, 1).cpu();
        }
        finally
        {
            if (wasTraining) module!.train();
        }
    }

    static Device DeviceOf(nn.Module module) =>
        module.parameters().FirstOrDefault()?.device ?? CPU;
}
