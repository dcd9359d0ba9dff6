using static TorchSharp.torch;

namespace TransferGen.Data.Transforms;

/// <summary>
/// One step of an image pipeline. A pipeline starts with the uint8 [C, H, W] tensor from
/// <see cref="ImageSplit.Read"/> and must end with float32 [C, H, W] (put <see cref="ToFloat"/> in it).
/// </summary>
/// <remarks>
/// <para>Contract for implementations:</para>
/// <list type="bullet">
/// <item>Return a new tensor; never modify or dispose <c>image</c>; dispose every intermediate, so the
/// transform neither leaks outside a DisposeScope nor fills one up inside it.</item>
/// <item>Take every random draw from <c>rng</c>: the loader passes a generator seeded from
/// (seed, epoch, sample index), which makes augmentation reproducible whatever thread runs it.</item>
/// <item>Keep no mutable state: loader workers share one instance between threads.</item>
/// <item>Accept a batch [N, C, H, W] as well. A random transform then draws once and changes every image the
/// same way, so only deterministic pipelines (<see cref="IsRandom"/> false) should be applied to batches.</item>
/// </list>
/// </remarks>
public interface ITransform
{
    /// <summary>Transforms <paramref name="image"/> ([C, H, W] or [N, C, H, W]) into a new tensor.</summary>
    /// <param name="image">The input; left untouched and still owned by the caller.</param>
    /// <param name="rng">The source of every random choice; deterministic transforms ignore it.</param>
    Tensor Apply(Tensor image, Random rng);

    /// <summary>True when the result depends on the random generator (an augmentation).</summary>
    bool IsRandom { get; }

    /// <summary>The shape of the result for an input of shape <paramref name="input"/>, without running anything.</summary>
    ImageShape OutputShape(ImageShape input);
}
