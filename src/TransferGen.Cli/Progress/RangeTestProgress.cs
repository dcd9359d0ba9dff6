using System.Globalization;
using TransferGen.Reports;
using TransferGen.Transfer;

namespace TransferGen.Cli.Progress;

/// <summary>
/// Feeds a <see cref="RunProgress"/> from lr-find's range test, which reports steps rather than training-loop events:
/// the test is shown as one pass of its steps (rate, loss, smoothed loss), and the first step and every tenth are also
/// printed as lines, a coarse record of the curve. The test's run stays open until the next run or the disposal of
/// <paramref name="progress"/>, as lr-find reports no end of the test.
/// </summary>
/// <param name="progress">Where the test is shown.</param>
/// <param name="imagesPerStep">The batch size, for images per second.</param>
public sealed class RangeTestProgress(RunProgress progress, int imagesPerStep)
{
    bool _started;

    /// <summary>Reports one step (pass as <see cref="LearningRateFinder.StepDone"/>).</summary>
    public void Step(LrFindStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (!_started)
        {
            progress.BeginRun(new RunShape(0, 1, step.Steps), ProgressFormat.RangeTest);
            progress.BeginEpoch(0, null);
            _started = true;
        }
        progress.Batch(step.Step - 1, imagesPerStep,
            new Dictionary<string, double> { ["lr"] = step.Lr, ["loss"] = step.Loss, ["smoothed"] = step.Smoothed });
        if (step.Step == 1 || step.Step % Math.Max(1, step.Steps / 10) == 0)
            progress.Line(string.Create(CultureInfo.InvariantCulture,
                $"lr-find step {step.Step}/{step.Steps}  lr {LrFindPlot.Rate(step.Lr)}  loss {step.Loss:F4}  smoothed {step.Smoothed:F4}"));
    }
}
