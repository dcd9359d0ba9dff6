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

    /// <summary>Prints each of <paramref name="dataset"/>'s warnings.</summary>
    public static void Warn(ImageDataset dataset)
    {
        foreach (var warning in dataset.Warnings) CliConsole.Warn(warning);
    }
}
