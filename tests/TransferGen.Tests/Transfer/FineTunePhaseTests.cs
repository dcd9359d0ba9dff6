using TransferGen.Transfer;

namespace TransferGen.Tests.Transfer;

public class FineTunePhaseTests
{
    static FineTuneOptions Options(int minSteps) => new()
    {
        Backbone = "resnet18", Freeze = FreezePolicy.Parse("auto"), Epochs = 10, ProbeEpochs = 10, MinSteps = minSteps,
    };

    [Fact]
    public void Phases_with_few_batches_are_stretched_to_the_minimum_steps_and_patience_with_them()
    {
        var phases = FineTunePhase.Plan(Options(300), batchesPerEpoch: 2);
        Assert.Equal(["probe", "finetune"], phases.Select(p => p.Name));
        Assert.Equal(150, phases[0].Epochs);
        Assert.Equal(150, phases[1].FirstEpoch);
        Assert.Equal(150, phases[1].Epochs);
        Assert.Equal(75, phases[1].ScalePatience(5));
    }

    [Fact]
    public void Phases_with_enough_batches_keep_the_requested_epochs()
    {
        var phases = FineTunePhase.Plan(Options(300), batchesPerEpoch: 100);
        Assert.Equal([10, 10], phases.Select(p => p.Epochs));
        Assert.Equal(5, phases[1].ScalePatience(5));
        Assert.Equal([10, 10], FineTunePhase.Plan(Options(0), batchesPerEpoch: 1).Select(p => p.Epochs));
    }

    [Fact]
    public void Gradual_unfreezing_plans_a_probe_one_sub_phase_per_later_stage_from_the_last_then_everything()
    {
        var spec = TinyBackbone.Register(); // stages stem, layer1, layer2
        var options = new FineTuneOptions
        {
            Backbone = spec.Name, Freeze = FreezePolicy.Parse("gradual"), Epochs = 5, ProbeEpochs = 4, UnfreezeEpochs = 2, MinSteps = 0,
        };
        var phases = FineTunePhase.Plan(options, batchesPerEpoch: 10, spec);
        Assert.Equal(["probe", "unfreeze-layer2", "unfreeze-layer1", "finetune"], phases.Select(p => p.Name));
        Assert.Equal(["all", "until:layer1", "until:stem", "none"], phases.Select(p => p.Policy.ToString()));
        Assert.Equal([true, false, false, false], phases.Select(p => p.OnFeatures));
        // --epochs 5 = 2 sub-phases of 2 epochs + 1 epoch with everything trainable.
        Assert.Equal([4, 2, 2, 1], phases.Select(p => p.Epochs));
        Assert.Equal([0, 4, 6, 8], phases.Select(p => p.FirstEpoch));

        // Stretched like every phase: 30 steps of 10 batches make each phase at least 3 epochs.
        var stretched = FineTunePhase.Plan(options with { MinSteps = 30 }, batchesPerEpoch: 10, spec);
        Assert.Equal([4, 3, 3, 3], stretched.Select(p => p.Epochs));
        Assert.Equal([4, 2, 2, 1], stretched.Select(p => p.RequestedEpochs));
        Assert.Equal(15, stretched[^1].ScalePatience(5));

        // Without a spec the plan looks the backbone up in the registry.
        Assert.Equal(phases, FineTunePhase.Plan(options, batchesPerEpoch: 10));
    }

    [Fact]
    public void Gradual_unfreezing_needs_an_epoch_left_for_the_whole_network()
    {
        var spec = TinyBackbone.Register();
        var options = new FineTuneOptions { Backbone = spec.Name, Freeze = FreezePolicy.Parse("gradual"), Epochs = 4, UnfreezeEpochs = 2 };
        var error = Assert.Throws<InvalidOptionException>(() => FineTunePhase.CheckFits(options, spec));
        Assert.Contains("FineTuneOptions.Epochs must be more than 4", error.Message);
        Assert.Contains("--epochs must be more than 4", error.Render(p => "--" + string.Concat(p.Split('.')[^1].Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()))));
        FineTunePhase.CheckFits(options with { Epochs = 5 }, spec);
    }
}
