using TransferGen.Data;

namespace TransferGen.Cli.Commands;

/// <summary>Loads datasets for the commands and says once, on stderr, what the loading left out (skipped files, folder links).</summary>
public static class CliDatasets
{
    /// <summary><see cref="DatasetResolver.Load"/>, then the dataset's warnings.</summary>
    public static ImageDataset Load(string spec, DatasetOptions options)
    {
        var dataset = DatasetResolver.Load(spec, options);
        Warn(dataset);
        return dataset;
    }

    /// <summary>True when two dataset specs name the same dataset: the same builtin name, or paths to the same folder.</summary>
    public static bool SameSpec(string? a, string? b) =>
        a is not null && b is not null
        && (string.Equals(a, b, StringComparison.OrdinalIgnoreCase) && DatasetResolver.BuiltinNames.Contains(a, StringComparer.OrdinalIgnoreCase)
            || Path.GetFullPath(a).TrimEnd('/') == Path.GetFullPath(b).TrimEnd('/'));

    /// <summary>Prints each of <paramref name="dataset"/>'s warnings.</summary>
    public static void Warn(ImageDataset dataset)
    {
        foreach (var warning in dataset.Warnings) CliConsole.Warn(warning);
    }
}
