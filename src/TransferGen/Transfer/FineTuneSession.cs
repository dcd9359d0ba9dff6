using TorchSharp;
using TransferGen.Data;
using TransferGen.Data.Transforms;
using TransferGen.Models;
using TransferGen.Training;
using static TorchSharp.torch;

namespace TransferGen.Transfer;

/// <summary>
/// The state of one fine-tune while the training loop runs: the model, data, phases, current optimiser and
/// feature caches, the source term of a joint objective, and the best weights so far. The loop calls
/// <see cref="Batches"/>, <see cref="Step"/> and <see cref="Validate"/>; the callbacks in <see cref="FineTuneCallbacks"/>
/// switch phases, schedule rates, select the best model, stop early and write checkpoints.
/// </summary>
internal sealed class FineTuneSession : IDisposable
{
    readonly BatchLoader _trainLoader;
    FeatureCache? _trainFeatures, _valFeatures;
    double[] _baseRates = [];
    Dictionary<string, Tensor>? _bestState;
    bool _bestPending;

    // joint: the source term of a joint objective, or null; the session owns and disposes it.
    public FineTuneSession(FineTuneOptions options, BackboneSpec spec, Classifier model, Device device, ImageSplit train,
        ImageSplit validation, ITransform trainTransform, ITransform evalTransform, RunFolder? run, JointObjective? joint = null)
    {
        Joint = joint;
        Options = options;
        Spec = spec;
        Model = model;
        Device = device;
        Train = train;
        Validation = validation;
        EvalTransform = evalTransform;
        Run = run;
        _trainLoader = new BatchLoader(train, trainTransform, new BatchLoaderOptions
        {
            BatchSize = options.BatchSize,
            Shuffle = true,
            Seed = options.Seed,
            // A last batch of one image would break BatchNorm in train mode; fastai drops it too.
            DropLast = train.Count > options.BatchSize,
            Workers = options.Workers,
        });
        Phases = TrainingPhase.Plan(options, _trainLoader.BatchCount, spec);
    }

    public FineTuneOptions Options { get; }
    public BackboneSpec Spec { get; }
    public Classifier Model { get; }
    public Device Device { get; }
    public ImageSplit Train { get; }
    public ImageSplit Validation { get; }
    public ITransform EvalTransform { get; }
    public RunFolder? Run { get; }
    public JointObjective? Joint { get; }
    public IReadOnlyList<TrainingPhase> Phases { get; }
    public TrainingPhase? Current { get; private set; }
    public optim.Optimizer? Optimizer { get; private set; }
    public int BatchesPerEpoch => _trainLoader.BatchCount;
    public int TotalEpochs => Phases.Sum(p => p.Epochs);

    /// <summary>Set when resuming: the checkpoint whose optimiser state the phase it names should start from.</summary>
    public CheckpointInfo? ResumeFrom { get; set; }

    /// <summary>Started when this process began the run.</summary>
    public System.Diagnostics.Stopwatch Clock { get; set; } = System.Diagnostics.Stopwatch.StartNew();

    /// <summary>Seconds earlier processes spent on the run (from the checkpoint resumed; 0 for a fresh run).</summary>
    public double PriorSeconds { get; set; }

    public double BestScore { get; set; } = double.NegativeInfinity;
    public double BestLoss { get; set; } = double.PositiveInfinity;
    public int BestEpoch { get; set; } = -1;
    public TimeSpan FeatureTime { get; private set; }

    public TrainingPhase PhaseAt(int epoch) => Phases.FirstOrDefault(p => p.Covers(epoch)) ?? Phases[^1];

    /// <summary>Makes the phase of <paramref name="epoch"/> current (freezing, optimiser, caches) and sets train mode.</summary>
    public void EnterPhaseFor(int epoch)
    {
        var phase = PhaseAt(epoch);
        if (phase != Current)
        {
            Current = phase;
            phase.Policy.Apply(Model, Spec);
            if (phase.OnFeatures) EnsureFeatures();
            else DropFeatures();
            Optimizer?.Dispose();
            Optimizer = CreateOptimizer(phase);
            if (ResumeFrom is { } checkpoint && checkpoint.Phase == phase.Name && Run is not null)
                Checkpoint.Load(Run, Model, Optimizer, Joint?.Head);
            ResumeFrom = null;
        }
        if (Joint is not null && !phase.OnFeatures) Joint.Seek(SourceBatchesBefore(epoch));
        if (phase.OnFeatures) Model.train();
        else phase.Policy.SetTrainMode(Model, Spec, Options.KeepBatchNormStatistics && !Options.FromScratch);
    }

    public IEnumerable<Batch> Batches(int epoch)
    {
        var phase = PhaseAt(epoch);
        return phase.OnFeatures
            ? _trainFeatures!.Epoch(epoch, Options.BatchSize, Options.Seed, _trainLoader.Options.DropLast)
            : _trainLoader.Epoch(epoch);
    }

    /// <summary>
    /// One optimiser step on <paramref name="batch"/>. With a source task and a backbone that trains, one source batch
    /// joins it and the loss is CE_target + λ·CE_source; on cached features the source term is left out, since the
    /// backbone is frozen and the source head cannot change the target model. "loss" is always the target's term.
    /// </summary>
    public IReadOnlyDictionary<string, double> Step(Batch batch, TrainingContext context)
    {
        var input = batch.Images.to(Device);
        var labels = batch.Labels.to(Device);
        Optimizer!.zero_grad();
        if (Joint is not null && !Current!.OnFeatures) return JointStep(input, labels);
        var logits = Current!.OnFeatures ? Model.Classify(input) : Model.call(input);
        var loss = nn.functional.cross_entropy(logits, labels, label_smoothing: Options.LabelSmoothing);
        loss.backward();
        Optimizer.step();
        return new Dictionary<string, double> { ["loss"] = loss.item<float>(), ["accuracy"] = Accuracy(logits, labels) };
    }

    Dictionary<string, double> JointStep(Tensor input, Tensor labels)
    {
        using var source = Joint!.Next();
        var sourceLabels = source.Labels.to(Device);
        var terms = JointObjective.Loss(Model, Joint.Head, Joint.Lambda, Options.LabelSmoothing, input, labels, source.Images.to(Device), sourceLabels);
        terms.Total.backward();
        Optimizer!.step();
        return new Dictionary<string, double>
        {
            ["loss"] = terms.Target.item<float>(),
            ["accuracy"] = Accuracy(terms.TargetLogits, labels),
            ["source_loss"] = terms.Source.item<float>(),
            ["source_accuracy"] = Accuracy(terms.SourceLogits, sourceLabels),
        };
    }

    static double Accuracy(Tensor logits, Tensor labels) => logits.argmax(1).eq(labels).sum().item<long>() / (double)labels.shape[0];

    /// <summary>Source batches drawn before <paramref name="epoch"/>: one per step of every earlier epoch in which the backbone trained.</summary>
    long SourceBatchesBefore(int epoch) =>
        Phases.Where(p => !p.OnFeatures).Sum(p => (long)Math.Clamp(epoch - p.FirstEpoch, 0, p.Epochs)) * BatchesPerEpoch;

    public IReadOnlyDictionary<string, double> Validate(TrainingContext context)
    {
        if (Current!.OnFeatures)
        {
            Model.eval();
            using var _ = no_grad();
            var logits = Model.Classify(_valFeatures!.Features);
            using var result = new EvaluationResult(logits.cpu(), _valFeatures.Labels.cpu());
            return Figures(result);
        }
        using var evaluation = Evaluator.Run(Model, Validation, EvalTransform, Options.BatchSize, Device);
        return Figures(evaluation);
    }

    static Dictionary<string, double> Figures(EvaluationResult result) =>
        new() { ["loss"] = result.Loss(), ["accuracy"] = result.Accuracy() };

    /// <summary>Sets every parameter group's rate for the coming step from the schedule and the phase's progress.</summary>
    public void ScheduleRate(TrainingContext context)
    {
        var phase = Current!;
        var steps = (double)phase.Epochs * context.BatchesPerEpoch;
        var progress = steps == 0 ? 1 : ((context.Epoch - phase.FirstEpoch) * (double)context.BatchesPerEpoch + context.BatchIndex) / steps;
        var factor = Options.Schedule switch
        {
            ScheduleKind.Cosine => LearningRateSchedule.Cosine(progress, Options.WarmupFraction),
            ScheduleKind.OneCycle => LearningRateSchedule.OneCycle(progress, Math.Max(Options.WarmupFraction, 0.25)),
            _ => 1.0,
        };
        ScaleRates(factor);
    }

    /// <summary>Sets every parameter group's rate to its base rate × <paramref name="factor"/> (the head's base rate is --lr).</summary>
    public void ScaleRates(double factor)
    {
        var i = 0;
        foreach (var group in Optimizer!.ParamGroups) group.LearningRate = _baseRates[i++] * factor;
    }

    /// <summary>
    /// Head (and the source head of a joint objective, when the backbone trains) at the base rate; trainable backbone
    /// parameters (when not on cached features) at base × factor.
    /// </summary>
    optim.Optimizer CreateOptimizer(TrainingPhase phase)
    {
        var head = Model.Head.parameters().ToList();
        if (Joint is not null && !phase.OnFeatures) head.AddRange(Joint.Head.parameters());
        var backbone = phase.OnFeatures ? [] : Model.Backbone.parameters().Where(p => p.requires_grad).ToList();
        var rate = Options.LearningRate;
        var backboneRate = rate * Options.BackboneLrFactor;
        _baseRates = backbone.Count > 0 ? [rate, backboneRate] : [rate];
        if (Options.Optimizer == OptimizerKind.Sgd)
        {
            var groups = new List<TorchSharp.Modules.SGD.ParamGroup> { new(head, rate, Options.Momentum, weight_decay: Options.WeightDecay) };
            if (backbone.Count > 0) groups.Add(new(backbone, backboneRate, Options.Momentum, weight_decay: Options.WeightDecay));
            return optim.SGD(groups, rate, Options.Momentum, weight_decay: Options.WeightDecay);
        }
        var adamGroups = new List<TorchSharp.Modules.AdamW.ParamGroup> { new(head, rate, weight_decay: Options.WeightDecay) };
        if (backbone.Count > 0) adamGroups.Add(new(backbone, backboneRate, weight_decay: Options.WeightDecay));
        return optim.AdamW(adamGroups, rate, weight_decay: Options.WeightDecay);
    }

    void EnsureFeatures()
    {
        if (_trainFeatures is not null) return;
        _trainFeatures = FeatureCache.Compute(Model.Backbone, Train, EvalTransform, Options.BatchSize, Device);
        _valFeatures = FeatureCache.Compute(Model.Backbone, Validation, EvalTransform, Options.BatchSize, Device);
        FeatureTime = _trainFeatures.Elapsed + _valFeatures.Elapsed;
    }

    void DropFeatures()
    {
        _trainFeatures?.Dispose();
        _valFeatures?.Dispose();
        _trainFeatures = _valFeatures = null;
    }

    /// <summary>
    /// Remembers the current weights as the best: in memory, and as model.pt in a run folder, except during a phase
    /// on cached features, whose epochs take milliseconds and would be dominated by writing the whole model; there
    /// <see cref="SaveBestIfPending"/> writes it when the phase is checkpointed.
    /// </summary>
    public void KeepAsBest(double score, double loss, int epoch)
    {
        BestScore = score;
        BestLoss = loss;
        BestEpoch = epoch;
        DisposeBest();
        _bestState = CopyState();
        _bestPending = Run is not null;
        if (!Current!.OnFeatures) SaveBestIfPending();
    }

    /// <summary>Writes the best weights to model.pt if they have changed since the last write.</summary>
    public void SaveBestIfPending()
    {
        if (!_bestPending || _bestState is null || Run is null) return;
        // model.pt must hold the best weights, not the current ones: swap them in for the write.
        var current = CopyState();
        try
        {
            Model.load_state_dict(_bestState);
            RunFolder.SaveWeights(Model, Run.ModelPath);
            _bestPending = false;
        }
        finally
        {
            Model.load_state_dict(current);
            foreach (var t in current.Values) t.Dispose();
        }
    }

    /// <summary>Loads the best weights into the model (from memory, or model.pt after a resume); false when there are none.</summary>
    public bool RestoreBest()
    {
        if (_bestState is not null)
        {
            Model.load_state_dict(_bestState);
            return true;
        }
        if (BestEpoch >= 0 && Run is not null && File.Exists(Run.ModelPath))
        {
            RunFolder.LoadWeights(Model, Run.ModelPath);
            return true;
        }
        return false;
    }

    /// <summary>
    /// A copy of the model's state dict. Called from callbacks, outside any step's dispose scope: every temporary is
    /// disposed here, or it would wait for the garbage collector's finalizer.
    /// </summary>
    Dictionary<string, Tensor> CopyState()
    {
        var copy = new Dictionary<string, Tensor>();
        using var noGrad = no_grad();
        foreach (var (key, value) in Model.state_dict()) copy[key] = value.clone();
        return copy;
    }

    void DisposeBest()
    {
        if (_bestState is null) return;
        foreach (var t in _bestState.Values) t.Dispose();
        _bestState = null;
    }

    public void Dispose()
    {
        DropFeatures();
        DisposeBest();
        Optimizer?.Dispose();
        Joint?.Dispose();
    }
}
