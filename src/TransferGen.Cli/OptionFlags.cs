using System.Reflection;
using Spectre.Console.Cli;

namespace TransferGen.Cli;

/// <summary>
/// Names library options by the command-line flags that set them, so an <see cref="InvalidOptionException"/> about
/// "FineTuneOptions.Epochs" reads "--epochs ..." on the command line. The flags come from the commands' settings
/// classes: a settings property named like the option property carries its flag; the few options whose settings
/// property is named otherwise are listed here.
/// </summary>
public static class OptionFlags
{
    static readonly Dictionary<string, string> Renamed = new()
    {
        ["WeightsFile"] = "--weights",
        ["SourceLambda"] = "--lambda",
        ["KeepBatchNormStatistics"] = "--train-bn-stats",
        ["Augment"] = "--no-augment",
        ["GeneratorLearningRate"] = "--g-lr",
        ["DiscriminatorLearningRate"] = "--d-lr",
        ["SpectralNorm"] = "--spectral-norm",
        ["InitFrom"] = "--init",
        ["ModeSeekingWeight"] = "--mode-seeking",
    };

    static readonly Lazy<Dictionary<string, string>> Flags = new(Collect);

    /// <summary>The flag of <paramref name="property"/> ("Type.Property" or "Property"); the name itself when no flag sets it.</summary>
    public static string Flag(string property)
    {
        var name = property[(property.LastIndexOf('.') + 1)..];
        return Renamed.TryGetValue(name, out var renamed) ? renamed
            : Flags.Value.TryGetValue(name, out var flag) ? flag
            : property;
    }

    static Dictionary<string, string> Collect()
    {
        var flags = new Dictionary<string, string>();
        var settings = typeof(OptionFlags).Assembly.GetTypes().Where(t => typeof(CommandSettings).IsAssignableFrom(t));
        foreach (var type in settings)
            foreach (var property in type.GetProperties())
                if (property.GetCustomAttribute<CommandOptionAttribute>() is { LongNames.Count: > 0 } option)
                    flags.TryAdd(property.Name, "--" + option.LongNames[0]);
        return flags;
    }
}
