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
    /// How <see cref="SuggestedLr"/> was chosen: "valley" (2/3 along the longest fall of the smoothed loss) or
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
    /// The suggestion for a smoothed curve: 2/3 of the way along its longest valley. The valley is the longest run of
    /// steps, in order but not necessarily adjacent, over which the smoothed loss keeps falling, looked for after the
    /// first tenth of the steps (where the average spans only a few batches and jumps); 2/3 of the way along it the loss
    /// is still falling well and the rate is far from where it starts to rise. (The steepest single fall, tried first,
    /// picked noise on the flat curve of a backbone whose head the probe had already trained: 3.4e-6 on Fashion-MNIST
    /// K=100, where the loss is flat up to about 3e-3.) A curve that never falls there gets the minimum-loss rate / 10,
    /// clamped to the tested range.
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

        // Longest strictly falling subsequence: length[i] of the longest one ending at i, and where it starts.
        var first = Math.Clamp(skip, 0, smoothed.Count - 1);
        var length = new int[smoothed.Count];
        var start = new int[smoothed.Count];
        int bestEnd = -1;
        for (var i = first; i < smoothed.Count; i++)
        {
            (length[i], start[i]) = (1, i);
            for (var j = first; j < i; j++)
                if (smoothed[i] < smoothed[j] && length[j] + 1 > length[i]) (length[i], start[i]) = (length[j] + 1, start[j]);
            if (bestEnd < 0 || length[i] > length[bestEnd]) bestEnd = i;
        }
        if (bestEnd >= 0 && length[bestEnd] > 1)
        {
            var from = start[bestEnd];
            return (lrs[from + (int)Math.Round(2.0 / 3 * (bestEnd - from))], "valley", min);
        }
        return (Math.Clamp(lrs[min] / 10, lrs[0], lrs[^1]), "min_loss_div10", min);
    }
}
