using System.Text.Json.Nodes;
using TransferGen.Training;

namespace TransferGen.Generation.Augmentation;

/// <summary>
/// ADA's controller (Karras et al. 2020): adapts the probability p with which each augmentation is applied to each image
/// the discriminator sees. The overfitting signal is r = E[sign(D(real))], read from the step figure
/// <see cref="SignalFigure"/> and averaged over <see cref="Interval"/> steps; then p moves by
/// sign(r − <see cref="Target"/>) × (images in those steps) / <see cref="SpeedImages"/>, clamped to [0, 1]: up while D
/// is too sure of the real images, down otherwise, fast enough to go from 0 to 1 in <see cref="SpeedImages"/> images.
/// p and the partial average are checkpointed, so a resumed run continues exactly; every epoch records p as
/// <c>ada_p</c> (metrics.json, TensorBoard).
/// </summary>
public sealed class AdaptiveAugmentation : ICheckpointedCallback
{
    /// <summary>The step figure holding the batch's mean sign of D's logits on the (augmented) real images.</summary>
    public const string SignalFigure = "d_real_sign";

    /// <summary>The epoch figure holding p at the epoch's end.</summary>
    public const string ProbabilityFigure = "ada_p";

    /// <summary>ADA's target for r.</summary>
    public const double DefaultTarget = 0.6;

    /// <summary>Steps between two adjustments of p.</summary>
    public const int DefaultInterval = 4;

    /// <summary>Images over which p can move from 0 to 1 (ADA: 500k).</summary>
    public const double DefaultSpeedImages = 500_000;

    double _signSum;
    int _steps;
    long _images;

    /// <summary>Creates the controller.</summary>
    /// <param name="target">The value of r that p is adjusted towards.</param>
    /// <param name="interval">Steps between adjustments.</param>
    /// <param name="speedImages">Images over which p can move from 0 to 1.</param>
    /// <param name="probability">The starting p (ADA starts at 0).</param>
    public AdaptiveAugmentation(double target = DefaultTarget, int interval = DefaultInterval, double speedImages = DefaultSpeedImages,
        double probability = 0)
    {
        if (!double.IsFinite(target)) throw new ArgumentOutOfRangeException(nameof(target), target, "the target must be finite");
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, 1);
        if (!(speedImages > 0)) throw new ArgumentOutOfRangeException(nameof(speedImages), speedImages, "must be positive");
        if (!(probability >= 0 && probability <= 1)) throw new ArgumentOutOfRangeException(nameof(probability), probability, "must be in [0, 1]");
        Target = target;
        Interval = interval;
        SpeedImages = speedImages;
        Probability = probability;
    }

    /// <summary>The value of r that p is adjusted towards.</summary>
    public double Target { get; }

    /// <summary>Steps between adjustments.</summary>
    public int Interval { get; }

    /// <summary>Images over which p can move from 0 to 1.</summary>
    public double SpeedImages { get; }

    /// <summary>The current probability of each augmentation for each image.</summary>
    public double Probability { get; private set; }

    /// <summary>r of the last adjustment (null before the first).</summary>
    public double? LastSignal { get; private set; }

    /// <summary>After the divergence stops (−90), before every callback that records or checkpoints the epoch.</summary>
    public int Order => -50;

    /// <inheritdoc />
    public string StateKey => "ada";

    /// <summary>Counts one step whose real batch of <paramref name="images"/> gave a mean sign <paramref name="meanSign"/>;
    /// adjusts p when <see cref="Interval"/> steps have been counted.</summary>
    public void Observe(double meanSign, int images)
    {
        if (!double.IsFinite(meanSign)) return;   // a NaN step stops the run anyway; it must not move p first
        _signSum += meanSign;
        _steps++;
        _images += images;
        if (_steps < Interval) return;
        var r = _signSum / _steps;
        Probability = Math.Clamp(Probability + Math.Sign(r - Target) * (_images / SpeedImages), 0.0, 1.0);
        LastSignal = r;
        (_signSum, _steps, _images) = (0, 0, 0);
    }

    /// <inheritdoc />
    public void AfterBatch(TrainingContext context)
    {
        if (context.LastStep.TryGetValue(SignalFigure, out var sign)) Observe(sign, context.BatchImages);
    }

    /// <inheritdoc />
    public void AfterEpoch(TrainingContext context) => context.EpochMetrics[ProbabilityFigure] = Probability;

    /// <inheritdoc />
    public JsonNode SaveState() => new JsonObject
    {
        ["p"] = Probability,
        ["sign_sum"] = _signSum,
        ["steps"] = _steps,
        ["images"] = _images,
        ["last_r"] = LastSignal,
    };

    /// <inheritdoc />
    public void RestoreState(JsonNode state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Probability = state["p"]!.GetValue<double>();
        _signSum = state["sign_sum"]!.GetValue<double>();
        _steps = state["steps"]!.GetValue<int>();
        _images = state["images"]!.GetValue<long>();
        LastSignal = state["last_r"]?.GetValue<double>();
    }
}
