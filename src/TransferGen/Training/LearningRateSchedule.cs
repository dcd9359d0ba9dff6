namespace TransferGen.Training;

/// <summary>Learning-rate multipliers as pure functions of the progress through a phase (0 at its first step, 1 at its end).</summary>
public static class LearningRateSchedule
{
    /// <summary>Linear warm-up over <paramref name="warmup"/> of the phase, then cosine decay from 1 to 0.</summary>
    public static double Cosine(double progress, double warmup)
    {
        progress = Math.Clamp(progress, 0, 1);
        if (progress < warmup) return (progress + 1e-3) / (warmup + 1e-3);
        var t = warmup >= 1 ? 1 : (progress - warmup) / (1 - warmup);
        return 0.5 * (1 + Math.Cos(Math.PI * t));
    }

    /// <summary>
    /// One-cycle: cosine rise from 1/25 to 1 over <paramref name="warmup"/> of the phase, then cosine fall to 1/10⁴ of
    /// the peak, the shape fastai's fit_one_cycle uses.
    /// </summary>
    public static double OneCycle(double progress, double warmup)
    {
        const double start = 1.0 / 25, end = 1e-4;
        progress = Math.Clamp(progress, 0, 1);
        if (progress < warmup) return Blend(start, 1, progress / warmup);
        return Blend(1, end, warmup >= 1 ? 1 : (progress - warmup) / (1 - warmup));
    }

    static double Blend(double from, double to, double t) => to + (from - to) * 0.5 * (1 + Math.Cos(Math.PI * t));
}
