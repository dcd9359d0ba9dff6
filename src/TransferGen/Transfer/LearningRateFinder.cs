using TransferGen.Data;
using TransferGen.Reports;
using TransferGen.Training;
using TransferGen.Training.Callbacks;

namespace TransferGen.Transfer;

/// <summary>
/// Smith's learning-rate range test (as fastai's <c>lr_find</c>) for a fine-tune: builds exactly the model, data
/// pipeline (subsampling, augmentation, preprocessing), optimiser and parameter groups that <see cref="FineTuner"/>
/// would, then trains <see cref="LrFindOptions.Steps"/> mini-batches with the head's rate growing exponentially from
/// <see cref="LrFindOptions.MinLr"/> to <see cref="LrFindOptions.MaxLr"/> (the backbone's group keeps
/// <see cref="FineTuneOptions.BackboneLrFactor"/> of it), recording the loss and stopping once the smoothed loss
/// exceeds <see cref="LrFindOptions.DivergenceFactor"/> times its minimum or is not finite.
/// </summary>
/// <remarks>
/// The test runs on the last phase of the plan, the one that trains the backbone (<c>--freeze auto</c> and
/// <c>gradual</c>: everything trainable; <c>until:STAGE</c>, <c>none</c>: as given; <c>all</c>: the head on cached
/// features). Phases before it that run on cached features (the probe) are trained first, as finetune would, so the
/// test starts from the head the fine-tune phase starts from; gradual's unfreezing sub-phases are skipped. Every
/// step runs in the one <see cref="TrainingLoop{TBatch}"/>, inside its DisposeScope. The model is discarded at the
/// end: nothing is written but what <see cref="Save"/> writes.
/// </remarks>
public sealed class LearningRateFinder(FineTuneOptions options, LrFindOptions range)
{
    /// <summary>The fine-tune whose model, data and optimiser are tested.</summary>
    public FineTuneOptions Options { get; } = options;

    /// <summary>The range and stopping rule.</summary>
    public LrFindOptions Range { get; } = range;

    /// <summary>Callbacks (progress display, ...) run while the probe trains the head before the test.</summary>
    public List<ICallback> ProbeCallbacks { get; } = [];

    /// <summary>Called after every step of the test with what it recorded.</summary>
    public Action<LrFindStep>? StepDone { get; init; }

    /// <summary>Runs the range test on <paramref name="dataset"/>'s training split.</summary>
    /// <param name="dataset">The data.</param>
    /// <param name="cancellationToken">Stops the test after the current batch with a <see cref="TrainingCancelledException"/>.</param>
    public LrFindResult Run(ImageDataset dataset, CancellationToken cancellationToken = default)
    {
        Options.Validate();
        Range.Validate();
        var tuner = new FineTuner(Options);
        var setup = tuner.Prepare(dataset);
        using var model = setup.Model;
        using var session = tuner.OpenSession(setup, run: null);
        var tested = session.Phases[^1];

        var probe = session.Phases.Where(p => p.OnFeatures && p != tested).ToList();
        if (probe.Count > 0)
        {
            var context = session.CreateContext();
            context.Epochs = probe.Max(p => p.FirstEpoch + p.Epochs);
            var callbacks = new List<ICallback>
            {
                new FineTuneCallbacks.PhaseControl(session),
                new LearningRateScheduler(session.ScheduleFactor),
                new NonFiniteLossStop(),
            };
            callbacks.AddRange(ProbeCallbacks);
            new TrainingLoop<Batch>(new WithoutValidation(session), callbacks).Fit(context, cancellationToken);
            if (context.StopIsFailure)
                throw new InvalidOptionException($"The head-only probe before the range test diverged ({context.StopReason}); lower {{0}} ({Options.LearningRate}), which the probe trains with.", "FineTuneOptions.LearningRate");
        }

        var test = new RangeTest(session, Range, StepDone);
        var epochs = (int)Math.Ceiling(Range.Steps / (double)Math.Max(1, session.BatchesPerEpoch));
        var rangeContext = session.CreateContext();
        rangeContext.Epochs = tested.FirstEpoch + epochs;
        rangeContext.Epoch = tested.FirstEpoch;
        new TrainingLoop<Batch>(new WithoutValidation(session), [test]).Fit(rangeContext, cancellationToken);
        if (test.Lrs.Count == 0)
            throw new InvalidOptionException($"The loss was not finite at the first step (head rate {Range.MinLr}); lower {{0}}.", "LrFindOptions.MinLr");

        var (suggested, rule, min) = LrFindResult.Suggest(test.Lrs, test.Smoothed, skip: Range.Steps / 10);
        return new LrFindResult
        {
            Lrs = test.Lrs,
            Losses = test.Losses,
            Smoothed = test.Smoothed,
            SuggestedLr = suggested,
            SuggestionRule = rule,
            LrAtMinLoss = test.Lrs[min],
            MinLossLr = test.Lrs[min] / 10,
            Phase = tested.Name,
            StopReason = test.StopReason,
            Range = Range,
            Options = Options,
        };
    }

    /// <summary>The run kind of a range test's folder.</summary>
    public const string RunKind = "lr-find";

    /// <summary>
    /// Writes the range test as a run folder: config.json (kind "lr-find": the fine-tune options, the range, the
    /// dataset), lr-find.json (the result) and lr-find.png (smoothed and per-batch loss against the rate on a log axis,
    /// the suggested rate marked), each atomically; returns the paths of the last two. The folder must be new or empty,
    /// or with <paramref name="overwrite"/> a TransferGen run folder (see <see cref="RunFolder.CreateNew"/>); it is
    /// locked while it is written.
    /// </summary>
    /// <param name="result">The range test.</param>
    /// <param name="folder">The run folder to write.</param>
    /// <param name="datasetSpec">How the user named the dataset.</param>
    /// <param name="overwrite">Whether <paramref name="folder"/> may hold an earlier TransferGen run.</param>
    /// <param name="datasetClasses">The classes the dataset was cut down to (<see cref="ClassSelection.Recorded"/>), recorded; null for all.</param>
    public static (string Json, string Png) Save(LrFindResult result, string folder, string? datasetSpec = null, bool overwrite = false,
        IReadOnlyList<string>? datasetClasses = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var run = new RunFolder(folder);
        using var held = run.CreateNew(RunKind, overwrite);
        RunFolder.WriteJson(run.ConfigPath, new LrFindConfig
        {
            Options = result.Options,
            Range = result.Range,
            Dataset = datasetSpec,
            DatasetClasses = datasetClasses,
            Versions = RunFolder.CurrentVersions(),
            Created = DateTime.UtcNow.ToString("O"),
        });
        var json = Path.Combine(run.Path, "lr-find.json");
        var png = Path.Combine(run.Path, "lr-find.png");
        RunFolder.WriteJson(json, result);
        LrFindPlot.SavePng(png, result.Lrs, result.Losses, result.Smoothed, result.SuggestedLr, result.MinLossLr,
            $"LR range test: {result.Options.Backbone}, phase {result.Phase}");
        return (json, png);
    }

    /// <summary>
    /// The callback that makes the loop a range test: enters the tested phase, sets the rates before each step,
    /// records and smooths the loss after it, and stops at the last step or on divergence.
    /// </summary>
    sealed class RangeTest(FineTuneSession session, LrFindOptions range, Action<LrFindStep>? stepDone) : ICallback
    {
        double _average, _best = double.PositiveInfinity, _rate;

        public int Order => -200;

        public List<double> Lrs { get; } = [];

        public List<double> Losses { get; } = [];

        public List<double> Smoothed { get; } = [];

        public string? StopReason { get; private set; }

        public void BeforeEpoch(TrainingContext context) => session.EnterPhaseFor(context);

        public void BeforeBatch(TrainingContext context)
        {
            _rate = range.RateAt(Lrs.Count);
            // Every group keeps its ratio to the head's rate, so discriminative rates apply as in the fine-tune.
            session.ScaleRates(_rate / session.Options.LearningRate);
        }

        public void AfterBatch(TrainingContext context)
        {
            var loss = context.LastStep["loss"];
            if (!double.IsFinite(loss))
            {
                Stop(context, $"the loss became {loss} at head rate {_rate:G3}");
                return;
            }
            _average = range.Beta * _average + (1 - range.Beta) * loss;
            var smoothed = _average / (1 - Math.Pow(range.Beta, Lrs.Count + 1));
            Lrs.Add(_rate);
            Losses.Add(loss);
            Smoothed.Add(smoothed);
            _best = Math.Min(_best, smoothed);
            stepDone?.Invoke(new LrFindStep(Lrs.Count, range.Steps, _rate, loss, smoothed));
            if (!double.IsFinite(smoothed) || smoothed > range.DivergenceFactor * _best)
                Stop(context, $"the smoothed loss {smoothed:G4} exceeded {range.DivergenceFactor}× its minimum {_best:G4} at head rate {_rate:G3}");
            else if (Lrs.Count >= range.Steps)
                context.RequestStop("all steps done");
        }

        void Stop(TrainingContext context, string reason)
        {
            StopReason = reason;
            context.RequestStop(reason);
        }
    }
}

/// <summary>config.json of a range test's run folder.</summary>
public sealed record LrFindConfig
{
    /// <summary>Always "lr-find".</summary>
    public string Kind { get; init; } = LearningRateFinder.RunKind;

    /// <summary>The fine-tune whose model, data and optimiser were tested.</summary>
    public FineTuneOptions Options { get; init; } = new();

    /// <summary>The range and stopping rule.</summary>
    public LrFindOptions Range { get; init; } = new();

    /// <summary>The dataset as the user named it.</summary>
    public string? Dataset { get; init; }

    /// <summary>The classes kept (<see cref="DatasetOptions.Classes"/>), by name; null for all.</summary>
    public IReadOnlyList<string>? DatasetClasses { get; init; }

    /// <summary>TransferGen, TorchSharp and .NET versions.</summary>
    public IReadOnlyDictionary<string, string> Versions { get; init; } = new Dictionary<string, string>();

    /// <summary>When the test ran (UTC, ISO 8601).</summary>
    public string Created { get; init; } = "";
}

/// <summary>The session's batches and steps without its validation: the range test only trains.</summary>
file sealed class WithoutValidation(FineTuneSession session) : ITrainingTask<Batch>
{
    public IEnumerable<Batch> Batches(int epoch, int firstBatch) => session.Batches(epoch, firstBatch);

    public IReadOnlyDictionary<string, double> Step(Batch batch, TrainingContext context) => session.Step(batch, context);

    public IReadOnlyDictionary<string, double>? Validate(TrainingContext context) => null;
}

/// <summary>One step of a range test, as reported to <see cref="LearningRateFinder.StepDone"/>.</summary>
/// <param name="Step">Steps done (from 1).</param>
/// <param name="Steps">Steps planned.</param>
/// <param name="Lr">Head learning rate of the step.</param>
/// <param name="Loss">The step's training loss.</param>
/// <param name="Smoothed">The smoothed loss after it.</param>
public sealed record LrFindStep(int Step, int Steps, double Lr, double Loss, double Smoothed);
