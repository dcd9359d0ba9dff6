using TransferGen.IO;
using static TorchSharp.torch;

namespace TransferGen.Scoring;

/// <summary>
/// A folder of cached feature matrices (<see cref="FeatureCacheFile"/> entries named by <see cref="FeatureCacheKey.FileName"/>),
/// so that the features of a reference set, e.g. the 10 000 Fashion-MNIST test images, are extracted once rather than
/// on every score. Whole matrices are kept, not just their mean and covariance: KID and precision/recall need them.
/// </summary>
/// <remarks>
/// The cache is an optimisation and never a reason for a score to fail: an entry that is stale, cut short or corrupt is
/// reported through the warning callback and recomputed (then rewritten, atomically); a folder that cannot be written
/// is reported once, and the store then only reads.
/// </remarks>
public sealed class FeatureStore
{
    /// <summary>The environment variable that names the cache folder (it wins over the XDG default).</summary>
    public const string FolderVariable = "TRANSFERGEN_FEATURE_CACHE";

    readonly Action<string> _warn;
    bool _readOnly;

    /// <summary>A store in <paramref name="folder"/> (made when the first entry is written).</summary>
    /// <param name="folder">The cache folder.</param>
    /// <param name="warn">Told, in one sentence, about each entry that had to be recomputed and once about an unwritable folder.</param>
    public FeatureStore(string folder, Action<string>? warn = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Folder = Path.GetFullPath(folder);
        _warn = warn ?? (_ => { });
    }

    /// <summary>The cache folder.</summary>
    public string Folder { get; }

    /// <summary>Entries written by this store so far.</summary>
    public int Written { get; private set; }

    /// <summary>
    /// The default folder: <c>$TRANSFERGEN_FEATURE_CACHE</c>, else <c>$XDG_CACHE_HOME/transfergen/features</c>, else
    /// <c>~/.cache/transfergen/features</c>; null when none of them can be told (no home folder).
    /// </summary>
    public static string? DefaultFolder()
    {
        if (Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } named) return named;
        // XDG says a relative XDG_CACHE_HOME is invalid and to be ignored.
        if (Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg))
            return Path.Combine(xdg, "transfergen", "features");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".cache", "transfergen", "features");
    }

    /// <summary>The file of <paramref name="key"/>'s entry (which may not exist).</summary>
    public string PathOf(FeatureCacheKey key) => Path.Combine(Folder, key.FileName());

    /// <summary>
    /// The cached features (float32 [N, D] on the CPU, the caller's to dispose) of <paramref name="key"/>; null when there is
    /// no entry, or when the entry cannot be used (then a warning says why).
    /// </summary>
    public Tensor? TryLoad(FeatureCacheKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var path = PathOf(key);
        byte[] bytes;
        try
        {
            if (!File.Exists(path)) return null;
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _warn($"the cached features {path} could not be read ({e.Message.TrimEnd('.')}); computing them again.");
            return null;
        }
        var features = FeatureCacheFile.Decode(bytes, key, out var problem);
        if (features is null) _warn($"the cached features {path} are {problem}; computing them again.");
        return features;
    }

    /// <summary>
    /// Stores <paramref name="features"/> (float32 [N, D]) as <paramref name="key"/>'s entry, atomically (a reader never
    /// sees half an entry). When the folder cannot be written, warns once and stores nothing from then on.
    /// </summary>
    public void Save(FeatureCacheKey key, Tensor features)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(features);
        if (_readOnly) return;
        var path = PathOf(key);
        try
        {
            AtomicFile.WriteAllBytes(path, FeatureCacheFile.Encode(key, features));
            Written++;
        }
        catch (Exception e) when (e is InputException or IOException or UnauthorizedAccessException)
        {
            _readOnly = true;
            _warn($"the feature cache {Folder} cannot be written ({e.Message.TrimEnd('.')}); carrying on without storing features.");
        }
    }
}
