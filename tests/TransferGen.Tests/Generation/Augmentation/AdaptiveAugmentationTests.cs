using System.Text.Json.Nodes;
using TransferGen.Generation.Augmentation;
using TransferGen.Training;

namespace TransferGen.Tests.Generation.Augmentation;

public class AdaptiveAugmentationTests
{
    const double Step = 64 * 4 / 500_000.0;   // one adjustment at batch 64

    static void Feed(AdaptiveAugmentation ada, double sign, int steps, int batch = 64)
    {
        for (var i = 0; i < steps; i++) ada.Observe(sign, batch);
    }

    [Fact]
    public void P_rises_every_four_steps_while_the_discriminator_is_surer_of_the_reals_than_the_target()
    {
        var ada = new AdaptiveAugmentation();
        Feed(ada, 1.0, 3);
        Assert.Equal(0, ada.Probability);          // no adjustment before the fourth step
        Feed(ada, 1.0, 1);
        Assert.Equal(Step, ada.Probability, 12);
        Feed(ada, 0.7, 4);
        Assert.Equal(2 * Step, ada.Probability, 12);
        Assert.Equal(0.7, ada.LastSignal!.Value, 12);
        // At this rate 0 → 1 takes 500k images: 1954 adjustments of 256 images.
        Feed(ada, 1.0, 4 * 1951);
        Assert.True(ada.Probability < 1);
        Feed(ada, 1.0, 4 * 10);
        Assert.Equal(1, ada.Probability);          // clamped
    }

    [Fact]
    public void P_falls_while_r_is_below_the_target_and_never_goes_below_zero()
    {
        var ada = new AdaptiveAugmentation(probability: 0.001);
        Feed(ada, 0.5, 4);
        Assert.Equal(0.001 - Step, ada.Probability, 12);
        Feed(ada, -1.0, 8);
        Assert.Equal(0, ada.Probability);
        Feed(ada, 0.6, 4);                          // exactly on target: no move
        Assert.Equal(0, ada.Probability);
        // r is the mean over the four steps: 1, 1, 0, 0 → 0.5 < 0.6.
        var mixed = new AdaptiveAugmentation(probability: 0.5);
        Feed(mixed, 1.0, 2);
        Feed(mixed, 0.0, 2);
        Assert.Equal(0.5 - Step, mixed.Probability, 12);
    }

    [Fact]
    public void As_a_callback_it_reads_the_step_sign_and_records_p_at_each_epoch_end()
    {
        var ada = new AdaptiveAugmentation(target: 0.6, speedImages: 320);
        var context = new TrainingContext { Epochs = 1, BatchesPerEpoch = 8 };
        context.BatchImages = 8;
        for (var i = 0; i < 8; i++)
        {
            context.LastStep = new Dictionary<string, double> { [AdaptiveAugmentation.SignalFigure] = 0.9 };
            ada.AfterBatch(context);
        }
        ada.AfterEpoch(context);
        Assert.Equal(0.2, context.EpochMetrics[AdaptiveAugmentation.ProbabilityFigure], 12);   // 2 × 32/320
    }

    [Fact]
    public void Its_state_survives_a_checkpoint_mid_interval()
    {
        var straight = new AdaptiveAugmentation(speedImages: 1000);
        var before = new AdaptiveAugmentation(speedImages: 1000);
        double[] signs = [0.9, 0.8, 0.1, 0.95, 0.7, 0.65, 0.2, 1.0, 0.3, 0.99];
        foreach (var s in signs[..6]) { straight.Observe(s, 16); before.Observe(s, 16); }
        // Through JSON text, as the checkpoint stores it.
        var saved = JsonNode.Parse(before.SaveState().ToJsonString())!;
        var after = new AdaptiveAugmentation(speedImages: 1000);
        after.RestoreState(saved);
        Assert.Equal(before.Probability, after.Probability);
        foreach (var s in signs[6..]) { straight.Observe(s, 16); after.Observe(s, 16); }
        Assert.Equal(straight.Probability, after.Probability);
        Assert.Equal(straight.LastSignal, after.LastSignal);
        Assert.True(straight.Probability > 0);
    }
}
