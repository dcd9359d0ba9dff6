using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TransferGen.Data;

namespace TransferGen.Scoring;

/// <summary>
/// What cached features depend on: the images (<see cref="ImageSplitHash"/> of exactly those used, after class
/// selection and subsetting), the feature network, the size and filter images are resized with, and the count.
/// Any difference is another entry; nothing that does not change the features (paths, labels, mtimes) is in it.
/// </summary>
/// <param name="Content">SHA-256 of the images' bytes (<see cref="ImageSplitHash"/>).</param>
/// <param name="Count">Images.</param>
/// <param name="Network">The network's <see cref="FeatureNetwork.CacheName"/>.</param>
/// <param name="InputSize">Side images are resized to.</param>
/// <param name="ResizeFilter">The resize filter.</param>
/// <param name="TorchSharp">TorchSharp's version: another LibTorch may round features differently.</param>
/// <param name="Version">The entry format (<see cref="CurrentVersion"/>), raised when the format or the preprocessing changes.</param>
public sealed record FeatureCacheKey(string Content, int Count, string Network, int InputSize, string ResizeFilter, string TorchSharp, int Version)
{
    /// <summary>The entry format and preprocessing this build writes.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The key of <paramref name="split"/>'s features through <paramref name="network"/>; null when the network is not cacheable.</summary>
    public static FeatureCacheKey? For(ImageSplit split, FeatureNetwork network)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(network);
        if (network.CacheName is not { } name) return null;
        var torchSharp = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "unknown";
        return new FeatureCacheKey(ImageSplitHash.Sha256(split), split.Count, name, network.InputSize, network.ResizeFilter, torchSharp, CurrentVersion);
    }

    /// <summary>The key as the one line of JSON an entry stores and compares.</summary>
    public string Canonical() => JsonSerializer.Serialize(this);

    /// <summary>The entry's file name: the SHA-256 of <see cref="Canonical"/>, so equal keys share a file and others do not.</summary>
    public string FileName() =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical()))).ToLowerInvariant() + ".features";
}
