using TorchSharp;
using TransferGen.Data;
using TransferGen.Data.Transforms;
using TransferGen.Models;
using TransferGen.Training;
using static TorchSharp.torch;

namespace TransferGen.Transfer;

/// <summary>
/// One fine-tune as a task of the training loop: the model, data, phases, current optimiser and feature caches, and
/// the source term of a joint objective. The loop calls <see cref="Batches"/>, <see cref="Step"/> and
/// <see cref="Validate"/>; <see cref="FineTuneCallbacks"/> switches phases, and the shared callbacks of the engine
/// schedule rates, select the best model, stop early and write checkpoints.
/// </summary>
internal sealed class FineTuneSession : ITrainingTask<Batch>, IDisposable
{
    readonly BatchLoader _trainLoader;
    FeatureCache? _trainFeatures, _valFeatures;
    double[] _baseRates = [];

    // joint: the source term of a joint objective, or null; the session owns and disposes it.
    public FineTuneSession(FineTuneOptions options, BackboneSpec spec, Classifier model, Device device, ImageSplit train,
        ImageSplit validation, ITransform trainTransform, ITransform evalTransform, RunFolder? run, JointObjective? joint = null,
        int? epochLength = null)
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
            DropLast = (epochLength ?? train.Count) > options.BatchSize,
            Workers = options.Workers,
            EpochLength = epochLength,
        });
        Phases = FineTunePhase.Plan(options, _trainLoader.BatchCount, spec);
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
    public IReadOnlyList<FineTunePhase> Phases { get; }
    public FineTunePhase? Current { get; private set; }
    public optim.Optimizer? Optimizer { get; private set; }
    public int BatchesPerEpoch => _trainLoader.BatchCount;
    public int TotalEpochs => Phases.Sum(p => p.Epochs);
    public TimeSpan FeatureTime { get; private set; }

    /// <summary>The context the loop trains this session in: the classifier (and a joint objective's source head) registered.</summary>
    public ClassifierTrainingContext CreateContext()
    {
        var context = new ClassifierTrainingContext(Model, Device) { Epochs = TotalEpochs, BatchesPerEpoch = BatchesPerEpoch };
        if (Joint is not null) context.AddModule("source_head", Joint.Head);
        return context;
    }

    public FineTunePhase PhaseAt(int epoch) => Phases.FirstOrDefault(p => p.Covers(epoch)) ?? Phases[^1];

    /// <summary>
    /// Makes the phase of the context's epoch current (freezing, caches, a fresh optimiser registered as "model", which
    /// a resume fills from its checkpoint) and sets train mode.
    /// </summary>
    public void EnterPhaseFor(TrainingContext context)
    {
        var epoch = context.Epoch;
        var phase = PhaseAt(epoch);
        context.Phase = phase;
        if (phase != Current)
        {
            Current = phase;
            phase.Policy.Apply(Model, Spec);
            if (phase.OnFeatures) EnsureFeatures(context);
            else DropFeatures();
            Optimizer?.Dispose();
            Optimizer = CreateOptimizer(phase);
            context.SetOptimizer("model", Optimizer);
        }
        // A run resumed mid-epoch starts at batch BatchIndex: the source stream skips as many batches.
        if (Joint is not null && !phase.OnFeatures) Joint.Seek(SourceBatchesBefore(epoch) + context.BatchIndex);
        if (phase.OnFeatures) Model.train();
        else phase.Policy.SetTrainMode(Model, Spec, Options.KeepBatchNormStatistics && !Options.FromScratch);
    }

    public IEnumerable<Batch> Batches(int epoch, int firstBatch)
    {
        var phase = PhaseAt(epoch);
        return phase.OnFeatures
            ? _trainFeatures!.Epoch(epoch, Options.BatchSize, Options.Seed, _trainLoader.Options.DropLast, firstBatch, _trainLoader.Options.EpochLength)
            : _trainLoader.EpochFrom(epoch, firstBatch);
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
        if (Joint is not null && !Current!.OnFeatures) return JointStep(input, labels, context);
        var logits = Current!.OnFeatures ? Model.Classify(input) : Model.call(input);
        var loss = nn.functional.cross_entropy(logits, labels, label_smoothing: Options.LabelSmoothing);
        context.Minimize(loss, Optimizer!);
        return new Dictionary<string, double> { ["loss"] = loss.item<float>(), ["accuracy"] = Accuracy(logits, labels) };
    }

    Dictionary<string, double> JointStep(Tensor input, Tensor labels, TrainingContext context)
    {
        using var source = Joint!.Next();
        var sourceLabels = source.Labels.to(Device);
        var terms = JointObjective.Loss(Model, Joint.Head, Joint.Lambda, Options.LabelSmoothing, input, labels, source.Images.to(Device), sourceLabels);
        context.Minimize(terms.Total, Optimizer!);
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

    public IReadOnlyDictionary<string, double>? Validate(TrainingContext context)
    {
        if (Current!.OnFeatures)
        {
            Model.eval();
            using var _ = no_grad();
            var logits = Model.Classify(_valFeatures!.Features);
            using var result = new EvaluationResult(logits.cpu(), _valFeatures.Labels.cpu());
            return Figures(result);
        }
        using var evaluation = Evaluator.Run(Model, Validation, EvalTransform, Options.BatchSize, Device,
            Reporter(context, "validating", Validation.Count));
        return Figures(evaluation);
    }

    static Dictionary<string, double> Figures(EvaluationResult result) =>
        new() { ["loss"] = result.Loss(), ["accuracy"] = result.Accuracy() };

    /// <summary>The options' schedule: the rate multiplier at <paramref name="progress"/> (0..1) through a phase.</summary>
    public double ScheduleFactor(double progress) => Options.Schedule switch
    {
        ScheduleKind.Cosine => LearningRateSchedule.Cosine(progress, Options.WarmupFraction),
        ScheduleKind.OneCycle => LearningRateSchedule.OneCycle(progress, Math.Max(Options.WarmupFraction, 0.25)),
        _ => 1.0,
    };

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
    optim.Optimizer CreateOptimizer(FineTunePhase phase)
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

    void EnsureFeatures(TrainingContext context)
    {
        if (_trainFeatures is not null) return;
        _trainFeatures = FeatureCache.Compute(Model.Backbone, Train, EvalTransform, Options.BatchSize, Device,
            Reporter(context, "caching backbone features of the training images", Train.Count));
        _valFeatures = FeatureCache.Compute(Model.Backbone, Validation, EvalTransform, Options.BatchSize, Device,
            Reporter(context, "caching backbone features of the validation images", Validation.Count));
        FeatureTime = _trainFeatures.Elapsed + _valFeatures.Elapsed;
    }

    /// <summary>A progress callback that reports images done as <paramref name="name"/> through the context.</summary>
    static Action<int> Reporter(TrainingContext context, string name, int total)
    {
        var done = 0L;
        context.ReportActivity(name, 0, total);
        return images => context.ReportActivity(name, done += images, total);
    }

    void DropFeatures()
    {
        _trainFeatures?.Dispose();
        _valFeatures?.Dispose();
        _trainFeatures = _valFeatures = null;
    }

    public void Dispose()
    {
        DropFeatures();
        Optimizer?.Dispose();
        Joint?.Dispose();
    }
}
