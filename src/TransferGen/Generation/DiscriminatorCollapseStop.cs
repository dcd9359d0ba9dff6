using TransferGen.Training;

namespace TransferGen.Generation;

/// <summary>
/// Stops a GAN run, as a failure, when the discriminator's loss has stayed below <paramref name="threshold"/> for
/// <paramref name="steps"/> consecutive steps: D then separates real from fake perfectly, its gradients to G vanish,
/// and further training only wastes time (the usual sign of a collapsed GAN). One low step is normal, so only a
/// long run of them counts.
/// </summary>
/// <param name="steps">Consecutive low steps that count as collapse.</param>
/// <param name="threshold">Loss under which a step counts as low.</param>
/// <param name="figure">Name of the step figure to watch.</param>
public sealed class DiscriminatorCollapseStop(int steps, double threshold = 1e-3, string figure = "d_loss") : ICallback
{
    int _run;

    /// <summary>Runs early, next to the NaN stop, so that later callbacks see the stop request.</summary>
    public int Order => -90;

    /// <summary>Consecutive low steps seen so far.</summary>
    public int ConsecutiveLowSteps => _run;

    /// <inheritdoc />
    public void AfterBatch(TrainingContext context)
    {
        if (!context.LastStep.TryGetValue(figure, out var value)) return;
        _run = Math.Abs(value) < threshold ? _run + 1 : 0;
        if (_run >= steps)
            context.RequestStop($"training diverged: the discriminator loss stayed below {threshold:g3} for {steps} consecutive steps " +
                                $"(step {context.GlobalStep}, epoch {context.Epoch + 1}), so the generator no longer learns; " +
                                "try --spectral-norm, the hinge loss or a lower --d-lr", failure: true);
    }
}
