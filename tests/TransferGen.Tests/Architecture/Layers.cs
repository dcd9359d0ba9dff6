namespace TransferGen.Tests.Architecture;

/// <summary>
/// The library's layers, bottom to top: the one table both dependency checks use. A namespace may use its own layer
/// and any layer below it; a layer above, or a sibling on the same level, is a violation.
/// </summary>
/// <remarks>
/// Why this order (each layer names what it may use):
/// <list type="bullet">
/// <item>Build — the libLibTorchSharp.so patch (build/LibTorchCompat, compiled in): plain bytes, no other layer.</item>
/// <item>root (<c>TransferGen</c>: InputException, TorchSetup, the load-time LibTorch patch) — what every layer may
///   throw or call at start-up.</item>
/// <item>IO — atomic file writes; knows no images or tensors.</item>
/// <item>Imaging — image decode/encode and grids, written through IO.</item>
/// <item>Data — datasets, readers, loader, transforms; decodes through Imaging.</item>
/// <item>Metrics — pure functions over tensors and features (accuracy, FID, KID, IFeatureExtractor, feature
///   collection over batches); it may take Data's types, but knows nothing of models, training or dataset specs.</item>
/// <item>Reports — plots of metrics and curves.</item>
/// <item>Interop — ONNX import/export, foreign weight files: builds modules from files, knows no registry.</item>
/// <item>Models — backbones registry, weights records, heads, GANs; may implement Metrics' IFeatureExtractor.</item>
/// <item>Training — the one loop, callbacks, checkpoints, run folders (plots curves through Reports).</item>
/// <item>Transfer and Generation — the recipes, siblings on one level: neither may use the other.</item>
/// <item>SyntheticData — a conditional GAN's images as labelled training data for a fine-tune (Generation + Transfer).</item>
/// <item>Scoring — names feature networks (ImageNet, pixels, a fine-tuned run) and scores image sets and GANs with
///   them, so it composes Models, Transfer and Generation.</item>
/// <item>RunReports — the HTML report of a run folder: reads classifier and GAN runs (Transfer, Generation) and lays them
///   out with Reports' document model.</item>
/// <item>Quickstart — the one-command tour: runs Transfer, SyntheticData and Scoring and reports with Reports and RunReports.</item>
/// <item>Benchmarks — composes everything; its own assembly (src/TransferGen.Benchmarks), which the library cannot reference.</item>
/// </list>
/// </remarks>
public static class Layers
{
    /// <summary>The library's root namespace (its types form the lowest layer).</summary>
    public const string Root = "TransferGen";

    /// <summary>Each level lists the top-level folders (namespaces under TransferGen) that share it.</summary>
    public static readonly IReadOnlyList<string[]> Levels =
    [
        ["Build"],
        [Root],
        ["IO"],
        ["Imaging"],
        ["Data"],
        ["Metrics"],
        ["Reports"],
        ["Interop"],
        ["Models"],
        ["Training"],
        ["Transfer", "Generation"],
        ["Deploy"],
        ["SyntheticData"],
        ["Scoring"],
        ["RunReports"],
        ["Quickstart"],
        ["Benchmarks"],
    ];

    static readonly Dictionary<string, int> LevelOf = Levels
        .SelectMany((names, level) => names.Select(name => (name, level)))
        .ToDictionary(p => p.name, p => p.level, StringComparer.Ordinal);

    /// <summary>
    /// The layer <paramref name="ns"/> belongs to: <c>TransferGen</c> itself, or the first segment after it (so
    /// <c>TransferGen.Data.Transforms</c> is Data); null for namespaces outside the library.
    /// </summary>
    public static string? LayerOf(string? ns)
    {
        if (ns is null) return null;
        if (ns == Root) return Root;
        if (!ns.StartsWith(Root + ".", StringComparison.Ordinal)) return null;
        var rest = ns[(Root.Length + 1)..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? rest : rest[..dot];
    }

    /// <summary>True when <paramref name="layer"/> is in the table.</summary>
    public static bool IsKnown(string layer) => LevelOf.ContainsKey(layer);

    /// <summary>
    /// Null when code of layer <paramref name="from"/> may use layer <paramref name="to"/>; otherwise why not.
    /// Both are layer names (see <see cref="LayerOf"/>).
    /// </summary>
    public static string? Violation(string from, string to)
    {
        if (from == to) return null;
        if (!LevelOf.TryGetValue(from, out var fromLevel))
            return $"namespace layer '{from}' is not in the layer table (add it to Tests/Architecture/Layers.cs)";
        if (!LevelOf.TryGetValue(to, out var toLevel))
            return $"namespace layer '{to}' is not in the layer table (add it to Tests/Architecture/Layers.cs)";
        if (toLevel < fromLevel) return null;
        return toLevel == fromLevel
            ? $"{from} and {to} are siblings and may not use each other"
            : $"{from} sits below {to} and may not use it";
    }

    /// <summary>The namespace written for a layer name: <c>TransferGen</c> or <c>TransferGen.X</c>.</summary>
    public static string NamespaceOf(string layer) => layer == Root ? Root : $"{Root}.{layer}";
}
