using static TorchSharp.torch;

namespace TransferGen.Data;

/// <summary>Two splits read as one: the images of the first, then those of the second (same classes and channels).</summary>
public sealed class JoinedSplit : ImageSplit
{
    readonly ImageSplit _first;
    readonly ImageSplit _second;
    readonly int[] _labels;

    /// <summary>Joins <paramref name="first"/> and <paramref name="second"/> under the split name <paramref name="name"/>.</summary>
    public JoinedSplit(string name, ImageSplit first, ImageSplit second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Shape.Channels != second.Shape.Channels)
            throw new ArgumentException($"the splits have {first.Shape.Channels} and {second.Shape.Channels} channels", nameof(second));
        Name = name;
        _first = first;
        _second = second;
        _labels = [.. first.Labels, .. second.Labels];
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override IReadOnlyList<int> Labels => _labels;

    /// <inheritdoc />
    public override ImageShape Shape => _first.Shape;

    /// <inheritdoc />
    public override bool UniformShape => _first.UniformShape && _second.UniformShape && _first.Shape == _second.Shape;

    /// <inheritdoc />
    public override Tensor Read(int index) =>
        index < _first.Count ? _first.Read(index) : _second.Read(index - _first.Count);
}
