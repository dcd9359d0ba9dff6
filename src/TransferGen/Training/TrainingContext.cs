using System.Diagnostics;
using static TorchSharp.torch;

namespace TransferGen.Training;

/// <summary>How a run ended, when it did not simply run all its epochs.</summary>
public enum StopKind
{
    /// <summary>Not stopped (yet).</summary>
    None,

    /// <summary>A callback ended it as planned (early stopping, a range test's last step).</summary>
    Early,

    /// <summary>A callback found it diverged (NaN loss, collapsed discriminator).</summary>
    Failure,

    /// <summary>Its cancellation token was triggered (Ctrl-C).</summary>
    Cancelled,
}

/// <summary>
/// The state of one training run as the loop and its callbacks see it: the modules and optimisers being trained (by
/// name, as checkpoints store them), the device, the position in the run, the figures of the last step and epoch,
/// and the stop state. Recipes derive a typed context (<c>ClassifierTrainingContext</c>, <c>GanTrainingContext</c>)
/// whose properties give their models by type. Callbacks may call <c>RequestStop</c> to end training after the
/// current step.
/// </summary>
public class TrainingContext : ILossMinimizer
{
    readonly List<(string Name, nn.Module Module)> _modules = [];
    readonly List<NamedOptimizer> _optimizers = [];
    readonly List<(string Name, Generator Generator)> _generators = [];
    readonly Stopwatch _clock = new();
    IReadOnlyList<ICallback> _callbacks = [];

    /// <summary>A context on <paramref name="device"/> (the CPU when null).</summary>
    public TrainingContext(Device? device = null) => Device = device ?? CPU;

    /// <summary>The device the modules live on.</summary>
    public Device Device { get; }

    /// <summary>The modules whose weights a checkpoint holds, by name, in registration order.</summary>
    public IReadOnlyList<(string Name, nn.Module Module)> Modules => _modules;

    /// <summary>The optimisers, by name; a recipe may replace one when a new phase starts.</summary>
    public IReadOnlyList<NamedOptimizer> Optimizers => _optimizers;

    /// <summary>Random generators besides LibTorch's global one whose state a checkpoint keeps (a GAN's latent draws).</summary>
    public IReadOnlyList<(string Name, Generator Generator)> Generators => _generators;

    /// <summary>The callbacks of the running fit, in the order they run.</summary>
    public IReadOnlyList<ICallback> Callbacks => _callbacks;

    /// <summary>Total epochs the run is configured for.</summary>
    public int Epochs { get; set; }

    /// <summary>Training batches per epoch (for progress and schedules).</summary>
    public int BatchesPerEpoch { get; set; }

    /// <summary>Current epoch, counted from 0.</summary>
    public int Epoch { get; internal set; }

    /// <summary>Index of the current batch within the epoch (after the epoch: the number of batches done).</summary>
    public int BatchIndex { get; internal set; }

    /// <summary>Optimizer steps taken since the run began (continues across resumes).</summary>
    public long GlobalStep { get; set; }

    /// <summary>The phase of the current epoch; recipes with several phases set it as each begins.</summary>
    public TrainingPhase? Phase { get; set; }

    /// <summary>The batch being trained on, during the batch events.</summary>
    public object? Batch { get; internal set; }

    /// <summary>Images in <see cref="Batch"/> (0 when the batch type does not say).</summary>
    public int BatchImages { get; internal set; }

    /// <summary>The figures the last training step reported (loss and any others, as plain numbers).</summary>
    public IReadOnlyDictionary<string, double> LastStep { get; internal set; } = new Dictionary<string, double>();

    /// <summary>Per-epoch figures: the mean of each step figure ("train_loss", ...) and validation figures ("val_accuracy", ...).</summary>
    public Dictionary<string, double> EpochMetrics { get; } = new();

    /// <summary>Every finished epoch's <see cref="EpochMetrics"/>, in order (continued across resumes).</summary>
    public List<Dictionary<string, double>> History { get; } = new();

    /// <summary>True once a callback or the cancellation token asked the loop to stop.</summary>
    public bool StopRequested => Stop != StopKind.None;

    /// <summary>How the run stopped early, if it did.</summary>
    public StopKind Stop { get; private set; }

    /// <summary>Why training stopped early, as one sentence (null when it ran to the end).</summary>
    public string? StopReason { get; private set; }

    /// <summary>True when the stop is a failure (divergence) rather than a normal early stop.</summary>
    public bool StopIsFailure => Stop == StopKind.Failure;

    /// <summary>Fraction of the whole run completed, 0..1 (for progress).</summary>
    public double Progress => Epochs * (double)BatchesPerEpoch == 0 ? 1 : (Epoch * (double)BatchesPerEpoch + BatchIndex) / (Epochs * (double)BatchesPerEpoch);

    /// <summary>Wall-clock seconds of the run so far, including the processes before a resume.</summary>
    public double Seconds => PriorSeconds + _clock.Elapsed.TotalSeconds;

    /// <summary>Seconds the run had taken before this process resumed it.</summary>
    public double PriorSeconds { get; internal set; }

    /// <summary>The cancellation token of the running fit.</summary>
    public CancellationToken CancellationToken { get; private set; }

    /// <summary>Sums of the step figures so far this epoch, and how many steps they cover (checkpointed mid-epoch).</summary>
    internal Dictionary<string, double> StepSums { get; set; } = new();

    internal int StepCount { get; set; }

    /// <summary>The batch the first resumed epoch starts at (0 unless a checkpoint was written mid-epoch).</summary>
    internal int FirstBatch { get; set; }

    /// <summary>A checkpoint being resumed whose optimiser states wait for their optimisers to be registered.</summary>
    internal Checkpoint? Resuming { get; set; }

    /// <summary>Callback states of the checkpoint being resumed, handed out when the fit begins.</summary>
    internal IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode> PendingCallbackStates { get; set; } =
        new Dictionary<string, System.Text.Json.Nodes.JsonNode>();

    /// <summary>Registers a module under <paramref name="name"/> (unique), so checkpoints save and restore it.</summary>
    public void AddModule(string name, nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (_modules.Any(m => m.Name == name)) throw new ArgumentException($"a module named '{name}' is registered already", nameof(name));
        _modules.Add((name, module));
    }

    /// <summary>Registers a generator whose state checkpoints keep.</summary>
    public void AddGenerator(string name, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (_generators.Any(g => g.Name == name)) throw new ArgumentException($"a generator named '{name}' is registered already", nameof(name));
        _generators.Add((name, generator));
    }

    /// <summary>
    /// Registers <paramref name="optimizer"/> under <paramref name="name"/>, replacing (not disposing) one registered
    /// before under that name. When a run resumes, the checkpoint's state for this name and the current
    /// <see cref="Phase"/> is loaded into it.
    /// </summary>
    public NamedOptimizer SetOptimizer(string name, optim.Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        var named = new NamedOptimizer(name, optimizer);
        var index = _optimizers.FindIndex(o => o.Name == name);
        if (index >= 0) _optimizers[index] = named;
        else _optimizers.Add(named);
        Resuming?.TryLoadOptimizer(named, Phase?.Name);
        return named;
    }

    /// <summary>The optimiser registered under <paramref name="name"/>.</summary>
    public NamedOptimizer OptimizerNamed(string name) =>
        _optimizers.FirstOrDefault(o => o.Name == name) ?? throw new ArgumentException($"no optimizer named '{name}' is registered", nameof(name));

    /// <summary>
    /// One optimiser update with the step events: <see cref="ICallback.AfterLoss"/>, zero the gradients (unless the
    /// last update of this optimiser was skipped to accumulate), backward, <see cref="ICallback.AfterBackward"/>, then
    /// the optimiser step and <see cref="ICallback.AfterStep"/> unless a callback skipped it.
    /// </summary>
    public void Minimize(Tensor loss, optim.Optimizer optimizer)
    {
        var named = _optimizers.FirstOrDefault(o => ReferenceEquals(o.Optimizer, optimizer))
                    ?? throw new ArgumentException("the optimizer is not registered in this context (SetOptimizer)", nameof(optimizer));
        var step = new OptimizerStep(named, loss);
        foreach (var c in _callbacks) c.AfterLoss(this, step);
        if (!named.Accumulating) optimizer.zero_grad();
        step.Loss.backward();
        foreach (var c in _callbacks) c.AfterBackward(this, step);
        if (step.SkipStep)
        {
            named.Accumulating = true;
            return;
        }
        optimizer.step();
        named.Accumulating = false;
        foreach (var c in _callbacks) c.AfterStep(this, step);
    }

    /// <summary>Tells the callbacks how far <paramref name="name"/> has got (see <see cref="ICallback.Activity"/>).</summary>
    public void ReportActivity(string name, long done, long total)
    {
        var activity = new TrainingActivity(name, done, total);
        foreach (var c in _callbacks) c.Activity(this, activity);
    }

    /// <summary>Asks the loop to stop after the current step (the first request wins).</summary>
    public void RequestStop(string reason, bool failure = false) => RequestStop(reason, failure ? StopKind.Failure : StopKind.Early);

    /// <summary>Asks the loop to stop after the current step, saying how (the first request wins).</summary>
    public void RequestStop(string reason, StopKind kind)
    {
        if (StopRequested || kind == StopKind.None) return;
        Stop = kind;
        StopReason = reason;
    }

    internal void Begin(IReadOnlyList<ICallback> callbacks, CancellationToken cancellationToken)
    {
        _callbacks = callbacks;
        CancellationToken = cancellationToken;
        _clock.Restart();
    }

    internal void End() => _clock.Stop();
}
