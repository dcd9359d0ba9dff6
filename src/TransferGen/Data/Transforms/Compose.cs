using static TorchSharp.torch;

namespace TransferGen.Data.Transforms;

/// <summary>
/// Runs transforms one after another with the same random generator, disposing each intermediate result.
/// An empty composition copies the image.
/// </summary>
public sealed class Compose : ITransform
{
    readonly ITransform[] _steps;

    /// <summary>Creates the pipeline from its steps, in order.</summary>
    public Compose(params IEnumerable<ITransform> steps)
    {
        _steps = steps.ToArray();
        if (_steps.Any(s => s is null)) throw new ArgumentException("a step is null", nameof(steps));
    }

    /// <summary>The steps, in order.</summary>
    public IReadOnlyList<ITransform> Steps => _steps;

    /// <inheritdoc />
    public bool IsRandom => _steps.Any(s => s.IsRandom);

    /// <inheritdoc />
    public Tensor Apply(Tensor image, Random rng)
    {
        if (_steps.Length == 0) return image.clone();
        var current = image;
        try
        {
            foreach (var step in _steps)
            {
                var next = step.Apply(current, rng);
                if (!ReferenceEquals(current, image)) current.Dispose();
                current = next;
            }
            return current;
        }
        catch
        {
            if (!ReferenceEquals(current, image)) current.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public ImageShape OutputShape(ImageShape input) => _steps.Aggregate(input, (shape, step) => step.OutputShape(shape));

    /// <inheritdoc />
    public override string ToString() => $"Compose({string.Join(", ", _steps.Select(s => s.ToString()))})";
}
