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

    /// <summary>The options the dataset readers take.</summary>
    public DatasetOptions ToOptions() => new() { Strict = Strict, Seed = Seed, MaxImagePixels = MaxImagePixels };
}
