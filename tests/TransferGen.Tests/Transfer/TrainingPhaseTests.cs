using TransferGen.Transfer;

namespace TransferGen.Tests.Transfer;

public class TrainingPhaseTests
{
    static FineTuneOptions Options(int minSteps) => new()
    {
        Backbone = "resnet18", Freeze = FreezePolicy.Parse("auto"), Epochs = 10, ProbeEpochs = 10, MinSteps = minSteps,
    };

    [Fact]
    public void Phases_with_few_batches_are_stretched_to_the_minimum_steps_and_patience_with_them()
    {
        var phases = TrainingPhase.Plan(Options(300), batchesPerEpoch: 2);
        Assert.Equal(["probe", "finetune"], phases.Select(p => p.Name));
        Assert.Equal(150, phases[0].Epochs);
        Assert.Equal(150, phases[1].FirstEpoch);
        Assert.Equal(150, phases[1].Epochs);
        Assert.Equal(75, phases[1].ScalePatience(5));
    }

    [Fact]
    public void Phases_with_enough_batches_keep_the_requested_epochs()
    {
        var phases = TrainingPhase.Plan(Options(300), batchesPerEpoch: 100);
        Assert.Equal([10, 10], phases.Select(p => p.Epochs));
        Assert.Equal(5, phases[1].ScalePatience(5));
        Assert.Equal([10, 10], TrainingPhase.Plan(Options(0), batchesPerEpoch: 1).Select(p => p.Epochs));
    }
}
