using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferGen.Scoring;

/// <summary>
/// One cache entry on disk: magic "TGFEAT01", the key (int32 length + UTF-8 JSON), rows and columns (int64 each), the
/// float32 features row by row, then the SHA-256 of everything before it; all little-endian. Reading checks each
/// part, so a cut-short, bit-flipped or foreign file is told apart from a good one and never used.
/// </summary>
internal static class FeatureCacheFile
{
    static ReadOnlySpan<byte> Magic => "TGFEAT01"u8;
    const int HashBytes = 32;

    /// <summary>The entry's bytes for <paramref name="features"/> (float32 [N, D]) under <paramref name="key"/>.</summary>
    public static byte[] Encode(FeatureCacheKey key, Tensor features)
    {
        using var scope = NewDisposeScope();
        var payload = features.detach().cpu().to_type(ScalarType.Float32).contiguous().bytes;
        var keyBytes = Encoding.UTF8.GetBytes(key.Canonical());
        var bytes = new byte[Magic.Length + 4 + keyBytes.Length + 16 + payload.Length + HashBytes];
        var at = 0;
        Magic.CopyTo(bytes);
        at += Magic.Length;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), keyBytes.Length);
        keyBytes.CopyTo(bytes, at += 4);
        at += keyBytes.Length;
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(at), features.shape[0]);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(at + 8), features.shape[1]);
        at += 16;
        payload.CopyTo(bytes.AsSpan(at));
        at += payload.Length;
        SHA256.HashData(bytes.AsSpan(0, at), bytes.AsSpan(at));
        return bytes;
    }

    /// <summary>
    /// The features stored in <paramref name="bytes"/> when they are a whole, intact entry for <paramref name="key"/>;
    /// otherwise null and <paramref name="problem"/> says what is wrong, as a phrase.
    /// </summary>
    public static Tensor? Decode(byte[] bytes, FeatureCacheKey key, out string? problem)
    {
        problem = null;
        if (bytes.Length < Magic.Length + 4 + 16 + HashBytes || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            return Fail("not a feature cache entry", out problem);
        var body = bytes.Length - HashBytes;
        if (!SHA256.HashData(bytes.AsSpan(0, body)).AsSpan().SequenceEqual(bytes.AsSpan(body)))
            return Fail("cut short or corrupt (its checksum does not match)", out problem);
        var at = Magic.Length;
        var keyLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at));
        at += 4;
        if (keyLength < 0 || keyLength > body - at - 16) return Fail("corrupt (bad key length)", out problem);
        var stored = Encoding.UTF8.GetString(bytes, at, keyLength);
        if (stored != key.Canonical()) return Fail("stale (it was written for other images, network or settings)", out problem);
        at += keyLength;
        var rows = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at));
        var cols = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at + 8));
        at += 16;
        if (rows != key.Count || cols < 1 || rows * cols * sizeof(float) != body - at)
            return Fail("corrupt (its size does not match its header)", out problem);
        var features = empty(rows, cols, ScalarType.Float32);
        bytes.AsSpan(at, body - at).CopyTo(features.bytes);
        return features;
    }

    static Tensor? Fail(string why, out string? problem)
    {
        problem = why;
        return null;
    }
}
