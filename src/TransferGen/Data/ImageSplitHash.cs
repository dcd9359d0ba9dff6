using System.Buffers.Binary;
using System.Security.Cryptography;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferGen.Data;

/// <summary>
/// A fingerprint of the pixels of a split: SHA-256 over every image in order, each as its shape (C, H, W as little-endian
/// int32) and then its uint8 bytes. It is what the split's <see cref="ImageSplit.Read"/> returns that is hashed, so the
/// same images give the same hash wherever they come from, and any changed pixel, added, removed or reordered image
/// changes it (labels do not count).
/// </summary>
public static class ImageSplitHash
{
    const int Chunk = 256;

    /// <summary>The lowercase hex SHA-256 of <paramref name="split"/>'s images (see the class summary).</summary>
    public static string Sha256(ImageSplit split)
    {
        ArgumentNullException.ThrowIfNull(split);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (InMemory(split) is var (images, indices)) AppendRows(hash, images, indices);
        else AppendDecoded(hash, split);
        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    // A split whose images are rows of one tensor (a TensorSplit, or views of one): those rows, without a copy per image.
    static (Tensor Images, int[] Indices)? InMemory(ImageSplit split)
    {
        IReadOnlyList<int>? indices = null;
        while (split is SubsetSplit subset)
        {
            indices = indices is null ? subset.SourceIndices : indices.Select(i => subset.SourceIndices[i]).ToArray();
            split = subset.Source;
        }
        return split is TensorSplit tensors
            ? (tensors.Images, indices?.ToArray() ?? Enumerable.Range(0, tensors.Count).ToArray())
            : null;
    }

    static void AppendRows(IncrementalHash hash, Tensor images, int[] indices)
    {
        var header = Header((int)images.shape[1], (int)images.shape[2], (int)images.shape[3]);
        var rowBytes = (int)(images.shape[1] * images.shape[2] * images.shape[3]);
        foreach (var chunk in indices.Chunk(Chunk))
        {
            using var scope = NewDisposeScope();
            var rows = images.index_select(0, tensor(chunk.Select(i => (long)i).ToArray(), ScalarType.Int64)).contiguous();
            var bytes = rows.bytes;
            for (var r = 0; r < chunk.Length; r++)
            {
                hash.AppendData(header);
                hash.AppendData(bytes.Slice(r * rowBytes, rowBytes));
            }
        }
    }

    // Files are decoded in parallel (decoding is the cost), a chunk at a time so memory stays small, and hashed in order.
    static void AppendDecoded(IncrementalHash hash, ImageSplit split)
    {
        foreach (var chunk in Enumerable.Range(0, split.Count).Chunk(Chunk))
        {
            var decoded = new (byte[] Header, byte[] Bytes)[chunk.Length];
            Parallel.For(0, chunk.Length, j =>
            {
                using var image = split.Read(chunk[j]);
                using var contiguous = image.contiguous();
                decoded[j] = (Header((int)image.shape[0], (int)image.shape[1], (int)image.shape[2]), contiguous.bytes.ToArray());
            });
            foreach (var (header, bytes) in decoded)
            {
                hash.AppendData(header);
                hash.AppendData(bytes);
            }
        }
    }

    static byte[] Header(int channels, int height, int width)
    {
        var header = new byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(header, channels);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), height);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), width);
        return header;
    }
}
