namespace TransferGen.Data;

/// <summary>The shape of one image as channels × height × width.</summary>
public readonly record struct ImageShape(int Channels, int Height, int Width)
{
    /// <summary>Pixels per image (C·H·W).</summary>
    public int Size => Channels * Height * Width;

    /// <summary>Shape as [C, H, W], the order TorchSharp tensors use.</summary>
    public long[] ToArray() => [Channels, Height, Width];

    /// <inheritdoc />
    public override string ToString() => $"{Channels}×{Height}×{Width}";
}
