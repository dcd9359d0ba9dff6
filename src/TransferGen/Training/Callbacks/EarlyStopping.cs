using System.Globalization;

namespace TransferGen.Training.Callbacks;

/// <summary>
/// Stops the run when the current phase has gone its <see cref="TrainingPhase.Patience"/> epochs without a better
/// score of <paramref name="best"/>'s monitored figure. Only the phase's own epochs count, so a good earlier phase (a
/// fine-tune's probe) does not cut a later one short; phases with patience 0 never stop early.
/// </summary>
/// <param name="best">The selection whose best epoch is watched.</param>
/// <param name="what">How the figure is named in the stop reason.</param>
public sealed class EarlyStopping(BestModelSelection best, string what = "validation accuracy") : ICallback
{
    /// <summary>After <see cref="BestModelSelection"/> (50).</summary>
    public int Order => 60;

    /// <inheritdoc />
    public void AfterEpoch(TrainingContext context)
    {
        if (context.Phase is not { Patience: > 0 } phase) return;
        var since = context.Epoch - Math.Max(best.BestEpoch, phase.FirstEpoch - 1);
        if (since >= phase.Patience)
            context.RequestStop(string.Create(CultureInfo.InvariantCulture,
                $"no better {what} in {phase.Patience} epochs (best {best.BestScore:P1} at epoch {best.BestEpoch + 1})"));
    }
}
