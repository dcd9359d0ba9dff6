using System.Globalization;
using System.Text.Json;
using Spectre.Console.Cli;
using TransferGen.Cli.Progress;
using TransferGen.Data;
using TransferGen.Training;
using TransferGen.Transfer;

namespace TransferGen.Cli.Commands;

/// <summary>
/// What the commands that train a classifier run (`pretrain`, `finetune`) share: continue a run with --resume, or
/// check the options, load the data and train into --out; then print the result.
/// </summary>
/// <typeparam name="TSettings">The command's settings.</typeparam>
public abstract class TrainCommand<TSettings> : Command<TSettings> where TSettings : TrainSettings
{
    /// <summary>The fine-tuner <paramref name="settings"/> ask for, its options checked (before any data is read).</summary>
    protected abstract FineTuner CreateTuner(TSettings settings);

    /// <summary>The source task of a joint objective, its data loaded; null (the default) for none.</summary>
    protected virtual SourceTask? LoadSource(TSettings settings) => null;

    /// <inheritdoc />
    public override int Execute(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        using var progress = RunProgress.ForStderr(settings.Json);
        var callback = new ProgressCallback(progress, ProgressFormat.Classifier);
        FineTuneResult result;
        string runPath;
        if (settings.Resume is { } resume)
        {
            if (settings.Overwrite) throw new InputException("--overwrite starts a new run in --out; --resume continues one, so give only one of them.");
            var run = RunFolder.Existing(resume);
            runPath = run.Path;
            CliConsole.Status($"Resuming {run.Path}.", settings.Json);
            var saved = RunConfig.Read(run);
            var dataset = saved.Dataset is { } spec ? CliDatasets.Load(spec, saved.ToDatasetOptions()) : null;
            result = FineTuner.Resume(run, [callback], dataset, device: Devices.Parse(settings.Device), cancellationToken: cancellationToken);
        }
        else
        {
            if (settings.Data is null) throw new InputException("--data is required (or --resume RUN).");
            if (settings.Out is null) throw new InputException("--out is required: the run folder to write.");
            var tuner = CreateTuner(settings);
            tuner.Callbacks.Add(callback);
            tuner.Command = RunCommandLine.Of(context.Arguments);   // config.json records it: the report's reproduce command
            var folder = new RunFolder(settings.Out);
            folder.CheckNew(tuner.RunKind, settings.Overwrite);   // before the data loads: a refusal comes at once
            var dataset = CliDatasets.Load(settings.Data, settings.ToOptions());
            var source = LoadSource(settings);
            runPath = folder.Path;
            result = tuner.Run(dataset, folder, settings.Data, settings.Strict, source, settings.Overwrite, cancellationToken);
        }
        using (result.Model)
            Report(result, runPath, settings.Json);
        return result.Failed ? CliApp.InternalError : 0;
    }

    static void Report(FineTuneResult result, string runPath, bool json)
    {
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                Run = runPath,
                BestValAccuracy = result.BestValidationAccuracy,
                result.BestEpoch,
                result.TestAccuracy,
                EpochsRun = result.History.Count,
                result.TrainCount,
                ValCount = result.ValidationCount,
                result.FeatureSeconds,
                result.Seconds,
                StoppedEarly = result.StopReason,
            }, CliJson.Options));
            return;
        }
        var test = result.TestAccuracy is { } t ? string.Create(CultureInfo.InvariantCulture, $", test accuracy {t:P2}") : "";
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Best validation accuracy {result.BestValidationAccuracy:P2} at epoch {result.BestEpoch}{test}; {result.Seconds:F1} s. Model in {runPath}."));
    }
}
