using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using TransferGen.Generation;
using TransferGen.IO;

namespace TransferGen.Cli.Commands.Gan;

/// <summary>`transfergen gan sample`: images from a trained run's EMA generator, as a folder, a grid or a strip.</summary>
public sealed class GanSampleCommand : Command<GanSampleCommand.Settings>
{
    /// <summary>Options of `gan sample`.</summary>
    public sealed class Settings : CommonSettings
    {
        /// <summary>Run folder.</summary>
        [CommandOption("--model <RUN>")]
        [Description("A run folder written by `gan train`.")]
        public string Model { get; init; } = "";

        /// <summary>Count.</summary>
        [CommandOption("-n|--count <N>")]
        [Description("Number of images (with --interpolate: images in the strip, at least 2). Default 64.")]
        [DefaultValue(64)]
        public int N { get; init; } = 64;

        /// <summary>Output.</summary>
        [CommandOption("--out <DIR|FILE.png>")]
        [Description("A new or empty folder (written as an ImageFolder: one subfolder per class, or generated/) or a new .png file (one grid); nothing existing is replaced.")]
        public string Out { get; init; } = "";

        /// <summary>Class.</summary>
        [CommandOption("--class <K>")]
        [Description("Only class K (0-based; conditional models).")]
        public int? Class { get; init; }

        /// <summary>Interpolation strip.</summary>
        [CommandOption("--interpolate")]
        [Description("Write a strip of N images between two latent points (spherical interpolation).")]
        public bool Interpolate { get; init; }

        /// <summary>Where to write the latents and classes of the images.</summary>
        [CommandOption("--latents <FILE.json>")]
        [Description("Also write the latents (z) and classes the images came from, as JSON: an exported generator (`transfergen export`) fed them draws the same images. With a folder --out only.")]
        public string? Latents { get; init; }

        /// <summary>Seed.</summary>
        [CommandOption("--seed <S>")]
        [Description("Seed of the latent draws. Default 0.")]
        [DefaultValue(0)]
        public int Seed { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Model) ? ValidationResult.Error("Pass --model RUN (a `gan train` run folder).")
            : string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("Pass --out DIR or --out FILE.png.")
            : N is < 1 or > 100_000 ? ValidationResult.Error("-n must be between 1 and 100000.")
            : Interpolate && N < 2 ? ValidationResult.Error("--interpolate needs -n of at least 2: the strip's two end points.")
            : base.Validate();
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings s, CancellationToken cancellationToken)
    {
        var png = s.Out.EndsWith(".png", StringComparison.OrdinalIgnoreCase);
        var path = !s.Interpolate || png ? s.Out : Path.Combine(s.Out, "interpolation.png");
        // Nothing that exists is replaced: checked before the model loads.
        if (png || s.Interpolate) OutputPaths.RequireNewFile(path);
        else OutputPaths.RequireNewFolder(s.Out);
        if (s.Latents is not null)
        {
            if (png || s.Interpolate) throw new InputException("--latents goes with a folder --out (grids and interpolations draw their latents differently).");
            OutputPaths.RequireNewFile(s.Latents);
        }
        using var generator = ImageGenerator.Load(s.Model);
        if (s.Interpolate)
        {
            generator.SaveInterpolation(path, s.N, s.Class, s.Seed);
            Console.WriteLine($"Wrote an interpolation strip of {s.N} images to {path}.");
        }
        else if (png)
        {
            generator.SaveGrid(s.Out, s.N, s.Class, s.Seed);
            Console.WriteLine($"Wrote a grid of {s.N} images to {s.Out}.");
        }
        else
        {
            var files = generator.SaveImages(s.Out, s.N, s.Class, s.Seed);
            if (s.Latents is not null)
            {
                generator.SaveLatents(s.Latents, s.N, s.Class, s.Seed);
                Console.WriteLine($"Wrote their latents and classes to {s.Latents}.");
            }
            var folders = files.Select(f => Path.GetFileName(Path.GetDirectoryName(f))).Distinct().Count();
            Console.WriteLine($"Wrote {files.Count} images into {folders} folder(s) under {s.Out} (readable as a dataset).");
        }
        return 0;
    }
}
