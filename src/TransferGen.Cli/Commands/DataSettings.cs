using System.ComponentModel;
using Spectre.Console.Cli;
using TransferGen.Data;
using TransferGen.Imaging;

namespace TransferGen.Cli.Commands;

/// <summary>Options shared by commands that read a dataset.</summary>
public class DataSettings : CommonSettings
{
    /// <summary>Fail on the first unreadable image instead of skipping it.</summary>
    [CommandOption("--strict")]
    [Description("Fail on the first corrupt or unreadable image in a folder instead of skipping it.")]
    public bool Strict { get; init; }

    /// <summary>The pixel limit of image files.</summary>
    [CommandOption("--max-image-pixels <N>")]
    [Description("Skip image files whose header claims more than N pixels (width × height; an error with --strict). Default 100000000, at most 500000000.")]
    [DefaultValue(ImageCodec.DefaultMaxPixels)]
    public long MaxImagePixels { get; init; } = ImageCodec.DefaultMaxPixels;

    /// <summary>Seed for splits and sampling.</summary>
    [CommandOption("--seed <S>")]
    [Description("Seed for the train/test split of a folder without one, sampling and augmentation.")]
    [DefaultValue(0)]
    public int Seed { get; init; }

    /// <summary>Classes to keep.</summary>
    [CommandOption("--classes <LIST>")]
    [Description("Keep only these classes of the dataset: a comma list of indices or names (5,6,7 or Sandal,Shirt), relabelled 0..k-1 in that order under their names.")]
    public string? Classes { get; init; }

    /// <summary>The options the dataset readers take.</summary>
    public DatasetOptions ToOptions() =>
        new() { Strict = Strict, Seed = Seed, MaxImagePixels = MaxImagePixels, Classes = ClassList(Classes) };

    /// <summary>The entries of a --classes list; null when none was given.</summary>
    internal static IReadOnlyList<string>? ClassList(string? classes, string option = "DatasetOptions.Classes") =>
        classes is null ? null : ClassSelection.Parse(classes, option);
}
