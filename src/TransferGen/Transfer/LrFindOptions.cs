namespace TransferGen.Transfer;

/// <summary>The range and stopping rule of a learning-rate range test (<see cref="LearningRateFinder"/>).</summary>
public sealed record LrFindOptions
{
    /// <summary>Head learning rate of the first step.</summary>
    public double MinLr { get; init; } = 1e-7;

    /// <summary>Head learning rate of the last step (reached only when the loss has not diverged before).</summary>
    public double MaxLr { get; init; } = 10;

    /// <summary>Mini-batches to train, the rate growing by the same factor at each.</summary>
    public int Steps { get; init; } = 100;

    /// <summary>Weight of the past in the exponential moving average of the loss.</summary>
    public double Beta { get; init; } = 0.98;

    /// <summary>The test stops once the smoothed loss exceeds this many times its minimum so far.</summary>
    public double DivergenceFactor { get; init; } = 4;

    /// <summary>Head learning rate of step <paramref name="step"/> (from 0): exponential from <see cref="MinLr"/> to <see cref="MaxLr"/>.</summary>
    public double RateAt(int step) => MinLr * Math.Pow(MaxLr / MinLr, step / (double)(Steps - 1));

    /// <summary>Throws an <see cref="InvalidOptionException"/> naming the first option whose value makes no sense.</summary>
    public void Validate()
    {
        static void Require(bool ok, string template, params string[] properties)
        {
            if (!ok) throw new InvalidOptionException(template, properties);
        }
        Require(MinLr > 0 && double.IsFinite(MinLr), $"{{0}} must be positive, got {MinLr}.", P(nameof(MinLr)));
        Require(double.IsFinite(MaxLr), $"{{0}} must be finite, got {MaxLr}.", P(nameof(MaxLr)));
        Require(MinLr < MaxLr, $"{{0}} must be below {{1}}, got {MinLr} and {MaxLr}.", P(nameof(MinLr)), P(nameof(MaxLr)));
        Require(Steps >= 5, $"{{0}} must be at least 5, got {Steps}.", P(nameof(Steps)));
        Require(Beta is >= 0 and < 1, $"{{0}} (the smoothing factor) must be in [0, 1), got {Beta}.", P(nameof(Beta)));
        Require(DivergenceFactor > 1, $"{{0}} must be above 1, got {DivergenceFactor}.", P(nameof(DivergenceFactor)));
    }

    static string P(string property) => $"{nameof(LrFindOptions)}.{property}";
}
