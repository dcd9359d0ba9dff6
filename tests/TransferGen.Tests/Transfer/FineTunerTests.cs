using TransferGen.Models;
using TransferGen.Tests.Data;
using TransferGen.Training;
using TransferGen.Transfer;

namespace TransferGen.Tests.Transfer;

/// <summary>
/// LibTorch's default generator (initialisation, dropout) and the tiny backbone's call counter are process-wide,
/// so these tests run while no other test does: a parallel test drawing random numbers would break determinism.
/// </summary>
[CollectionDefinition(nameof(SerialTorchTests), DisableParallelization = true)]
public sealed class SerialTorchTests;

[Collection(nameof(SerialTorchTests))]
public class FineTunerTests
{
    static FineTuneOptions Tiny(string freeze) => TinyOptions.For(freeze, seed: 7);

    [Fact]
    public void The_probe_computes_backbone_features_once_whatever_the_epochs()
    {
        var dataset = StripeData.Dataset(trainPerClass: 20, withTest: false);
        var before = TinyBackbone.ForwardCalls;
        var result = new FineTuner(Tiny("all") with { Epochs = 6 }).Run(dataset);
        using var model = result.Model;
        // 40 images: 36 train (5 batches of 8) + 4 val (1 batch), each seen once by the backbone.
        Assert.Equal(6, TinyBackbone.ForwardCalls - before);
        Assert.Equal(6, result.History.Count);
        Assert.Equal(36, result.TrainCount);
    }

    [Fact]
    public void The_default_recipe_learns_two_distinguishable_classes()
    {
        var result = new FineTuner(Tiny("auto") with { Epochs = 3, ProbeEpochs = 5 }).Run(StripeData.Dataset());
        using var model = result.Model;
        Assert.Equal(8, result.History.Count);
        var report = string.Join("\n", result.History.Select(h => string.Join(", ", h.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value:F3}"))));
        Assert.True(result.TestAccuracy >= 0.9, $"test accuracy {result.TestAccuracy}\n{report}");
    }

    [Fact]
    public void A_resumed_run_ends_with_the_same_metrics_as_an_uninterrupted_one()
    {
        using var folder = new TempFolder();
        var options = Tiny("none") with { Epochs = 2, Dropout = 0.2 };
        var dataset = StripeData.Dataset();

        var straight = new FineTuner(options).Run(dataset, new RunFolder(folder["straight"]));
        straight.Model.Dispose();

        var interrupted = new FineTuner(options) { Callbacks = { new StopAfterFirstEpoch() } };
        interrupted.Run(dataset, new RunFolder(folder["resumed"])).Model.Dispose();
        var resumed = FineTuner.Resume(new RunFolder(folder["resumed"]), dataset: dataset);
        resumed.Model.Dispose();

        Assert.Equal(2, resumed.History.Count);
        var report = string.Join("\n", straight.History.Concat(resumed.History).Select(h => string.Join(", ", h.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value:F6}"))));
        Assert.True(Math.Abs(straight.History[0]["train_loss"] - resumed.History[0]["train_loss"]) < 1e-6, report);
        foreach (var key in new[] { "train_loss", "train_accuracy", "val_loss", "val_accuracy" })
            Assert.True(Math.Abs(straight.History[1][key] - resumed.History[1][key]) < 1e-4,
                $"{key}: {straight.History[1][key]} straight, {resumed.History[1][key]} resumed");
        Assert.Equal(straight.TestAccuracy!.Value, resumed.TestAccuracy!.Value, 4);
        Assert.True(File.Exists(Path.Combine(folder["resumed"], "tensorboard")) || Directory.Exists(Path.Combine(folder["resumed"], "tensorboard")));
        Assert.True(File.Exists(Path.Combine(folder["resumed"], "model.pt")));
    }

    [Fact]
    public void Gradual_unfreezing_trains_exactly_the_stages_of_each_sub_phase()
    {
        var spec = TinyBackbone.Register();
        var options = Tiny("gradual") with { Epochs = 3, ProbeEpochs = 1, UnfreezeEpochs = 1 };
        var snapshots = new WeightSnapshots();
        var result = new FineTuner(options) { Callbacks = { snapshots } }.Run(StripeData.Dataset());
        using var model = result.Model;
        Assert.Null(result.StopReason);

        // Epoch e starts from snapshot e and ends at snapshot e + 1; each phase here is one epoch.
        var phases = FineTunePhase.Plan(options, batchesPerEpoch: 1, spec);
        Assert.Equal(["probe", "unfreeze-layer2", "unfreeze-layer1", "finetune"], phases.Select(p => p.Name));
        var trained = new Dictionary<string, string[]>
        {
            ["probe"] = ["head"],
            ["unfreeze-layer2"] = ["head", "layer2"],
            ["unfreeze-layer1"] = ["head", "layer1", "layer2"],
            ["finetune"] = ["head", "stem", "layer1", "layer2"],
        };
        foreach (var phase in phases)
        {
            var (before, after) = (snapshots.States[phase.FirstEpoch], snapshots.States[phase.FirstEpoch + phase.Epochs]);
            foreach (var (name, weights) in before)
            {
                var part = name.StartsWith("head.", StringComparison.Ordinal) ? "head"
                    : spec.Stages.Single(s => s.Contains(name["backbone.".Length..])).Name;
                var changed = !weights.SequenceEqual(after[name]);
                Assert.True(changed == trained[phase.Name].Contains(part),
                    $"{phase.Name}: {name} ({part}) {(changed ? "changed" : "did not change")}");
            }
        }
    }

    [Fact]
    public void A_gradual_run_resumed_at_a_phase_boundary_ends_like_an_uninterrupted_one()
    {
        using var folder = new TempFolder();
        var options = Tiny("gradual") with { Epochs = 3, ProbeEpochs = 1, Dropout = 0.2 };
        var dataset = StripeData.Dataset();

        var straight = new FineTuner(options).Run(dataset, new RunFolder(folder["straight"]));
        straight.Model.Dispose();

        // Killed after epoch 2, the end of "unfreeze-layer2": the resume starts "unfreeze-layer1" with a new optimiser.
        var interrupted = new FineTuner(options) { Callbacks = { new StopAfterEpoch(1) } };
        interrupted.Run(dataset, new RunFolder(folder["resumed"])).Model.Dispose();
        Assert.Equal("unfreeze-layer2", Checkpoint.In(new RunFolder(folder["resumed"]))!.State.Phase);
        var resumed = FineTuner.Resume(new RunFolder(folder["resumed"]), dataset: dataset);
        resumed.Model.Dispose();

        Assert.Equal(straight.History.Count, resumed.History.Count);
        foreach (var key in new[] { "train_loss", "val_loss", "val_accuracy" })
            Assert.True(Math.Abs(straight.History[^1][key] - resumed.History[^1][key]) < 1e-4,
                $"{key}: {straight.History[^1][key]} straight, {resumed.History[^1][key]} resumed");
        Assert.Equal(straight.TestAccuracy!.Value, resumed.TestAccuracy!.Value, 4);
    }

    [Fact]
    public void The_run_folder_is_locked_while_a_run_or_its_resume_trains_and_free_after()
    {
        using var folder = new TempFolder();
        var run = new RunFolder(folder["run"]);
        var dataset = StripeData.Dataset(withTest: false);
        var probe = new LockProbe(run.Path);
        new FineTuner(Tiny("none") with { Epochs = 2 }) { Callbacks = { probe, new StopAfterFirstEpoch() } }.Run(dataset, run).Model.Dispose();
        FineTuner.Resume(run, [probe], dataset).Model.Dispose();

        Assert.Equal(2, probe.Refusals.Count);
        Assert.All(probe.Refusals, message => Assert.Contains($"PID {Environment.ProcessId}", message));
        using (run.Lock()) { }
        // The same folder again: a finished run is refused unless overwritten.
        Assert.Throws<InvalidOptionException>(() => new FineTuner(Tiny("none")).Run(dataset, run));
        new FineTuner(Tiny("none")).Run(dataset, run, overwrite: true).Model.Dispose();
    }

    /// <summary>Tries to lock the run folder at every epoch end and keeps the refusals.</summary>
    sealed class LockProbe(string folder) : ICallback
    {
        public List<string> Refusals { get; } = [];

        public void AfterEpoch(TrainingContext context)
        {
            try
            {
                global::TransferGen.IO.FolderLock.Acquire(folder).Dispose();
            }
            catch (InputException e)
            {
                Refusals.Add(e.Message);
            }
        }
    }

    /// <summary>Copies every parameter before the first epoch and after each epoch.</summary>
    sealed class WeightSnapshots : ICallback
    {
        public int Order => 300;

        public List<Dictionary<string, float[]>> States { get; } = [];

        public void BeforeFit(TrainingContext context) => Take(context);

        public void AfterEpoch(TrainingContext context) => Take(context);

        void Take(TrainingContext context)
        {
            var model = ((ClassifierTrainingContext)context).Model;
            States.Add(model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().cpu().data<float>().ToArray()));
        }
    }

    /// <summary>Stops after the first epoch's checkpoint, as a kill at that moment would.</summary>
    sealed class StopAfterFirstEpoch : ICallback
    {
        public int Order => 300;

        public void AfterEpoch(TrainingContext context) => context.RequestStop("simulated kill");
    }

    /// <summary>Stops after the checkpoint of epoch <paramref name="epoch"/> (counted from 0).</summary>
    sealed class StopAfterEpoch(int epoch) : ICallback
    {
        public int Order => 300;

        public void AfterEpoch(TrainingContext context)
        {
            if (context.Epoch == epoch) context.RequestStop("simulated kill");
        }
    }
}
