namespace TransferGen.Transfer;

/// <summary>
/// The curve a learning-rate range test recorded and the rates it suggests. Serialised as lr-find.json with
/// <see cref="Training.RunFolder.Json"/> (snake_case keys: <c>lrs</c>, <c>losses</c>, <c>smoothed</c>,
/// <c>suggested_lr</c>, <c>min_loss_lr</c>, ...).
/// </summary>
public sealed record LrFindResult
{
    /// <summary>The head learning rate of each recorded step, increasing.</summary>
    public required IReadOnlyList<double> Lrs { get; init; }

    /// <summary>The training loss of each step's mini-batch.</summary>
    public required IReadOnlyList<double> Losses { get; init; }

    /// <summary>The exponentially smoothed, bias-corrected loss after each step.</summary>
    public required IReadOnlyList<double> Smoothed { get; init; }

    /// <summary>The suggested head learning rate (<c>--lr</c> of finetune), see <see cref="SuggestionRule"/>.</summary>
    public double SuggestedLr { get; init; }

    /// <summary>
    /// How <see cref="SuggestedLr"/> was chosen: "steepest" (the steepest descent of the smoothed loss) or
    /// "min_loss_div10" (the curve never descended, so <see cref="MinLossLr"/>, kept within the tested range).
    /// </summary>
    public string SuggestionRule { get; init; } = "";

    /// <summary>The rate at the minimum of the smoothed loss divided by 10 (fastai's <c>lr_min</c>), a more cautious choice.</summary>
    public double MinLossLr { get; init; }

    /// <summary>The rate at which the smoothed loss was lowest.</summary>
    public double LrAtMinLoss { get; init; }

    /// <summary>The phase whose model and optimiser were tested ("finetune", or "probe" for <c>--freeze all</c>).</summary>
    public string Phase { get; init; } = "";

    /// <summary>Why the test ended before its last step (divergence), or null when it ran them all.</summary>
    public string? StopReason { get; init; }

    /// <summary>The range test's settings.</summary>
    public required LrFindOptions Range { get; init; }

    /// <summary>The fine-tune options whose model, data and optimiser were tested.</summary>
    public required FineTuneOptions Options { get; init; }

    /// <summary>
    /// The suggestion for a smoothed curve: the rate where the smoothed loss falls fastest per decade of learning
    /// rate (forward differences over log lr), looked for between the first tenth of the steps (where the average
    /// spans only a few batches and jumps) and the minimum (after it, the loss is rising). A curve that never falls
    /// there gets the minimum-loss rate / 10, clamped to the tested range.
    /// </summary>
    /// <param name="lrs">Rates of the recorded steps, increasing.</param>
    /// <param name="smoothed">Smoothed loss at each, all finite.</param>
    /// <param name="skip">Leading steps to ignore.</param>
    /// <returns>The suggested rate, the rule that chose it, and the index of the minimum.</returns>
    public static (double Lr, string Rule, int MinIndex) Suggest(IReadOnlyList<double> lrs, IReadOnlyList<double> smoothed, int skip)
    {
        if (lrs.Count == 0 || lrs.Count != smoothed.Count) throw new ArgumentException("need as many smoothed losses as rates, at least one");
        var min = 0;
        for (var i = 1; i < smoothed.Count; i++)
            if (smoothed[i] < smoothed[min]) min = i;
        var best = -1;
        var steepest = 0.0;
        for (var i = Math.Max(0, skip); i < min; i++)
        {
            var slope = (smoothed[i + 1] - smoothed[i]) / (Math.Log(lrs[i + 1]) - Math.Log(lrs[i]));
            if (slope < steepest) (best, steepest) = (i, slope);
        }
        if (best >= 0) return (lrs[best], "steepest", min);
        return (Math.Clamp(lrs[min] / 10, lrs[0], lrs[^1]), "min_loss_div10", min);
    }
}
