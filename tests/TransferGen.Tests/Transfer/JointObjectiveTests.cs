using TorchSharp;
using TransferGen.Models;
using TransferGen.Tests.Data;
using TransferGen.Training;
using TransferGen.Transfer;
using static TorchSharp.torch;

namespace TransferGen.Tests.Transfer;

/// <summary>The joint objective L = L_target + λ·L_source (<c>finetune --source</c>).</summary>
[Collection(nameof(SerialTorchTests))]
public class JointObjectiveTests
{
    static FineTuneOptions Tiny(string freeze) => TinyOptions.For(freeze, seed: 11);

    /// <summary>Colour stripes under other class names: a different dataset whose images need no replication.</summary>
    static SourceTask Source() => new(StripeData.Dataset(trainPerClass: 10, withTest: false, channels: 3, classes: ["rows", "columns"], seed: 21));

    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.allclose(b, rtol: 0, atol: 0);

    static Dictionary<string, Tensor> Gradients(nn.Module module) =>
        module.named_parameters().Where(p => p.parameter.grad is not null).ToDictionary(p => p.name, p => p.parameter.grad!.clone());

    [Fact]
    public void The_source_term_adds_to_the_backbone_gradients_only_and_vanishes_at_lambda_zero()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var spec = TinyBackbone.Register();
        using var model = Backbones.CreateClassifier(spec, WeightsChoice.Builtin, null, 2, 3, GrayscaleMode.Replicate);
        using var sourceHead = nn.Linear(spec.FeatureDim, 3);
        model.train();
        var targetImages = randn(6, 3, 16, 16);
        var targetLabels = tensor(new long[] { 0, 1, 0, 1, 1, 0 });
        var sourceImages = randn(6, 3, 16, 16) * 2 + 1;
        var sourceLabels = tensor(new long[] { 0, 1, 2, 2, 1, 0 });

        nn.functional.cross_entropy(model.call(targetImages), targetLabels, label_smoothing: 0.1).backward();
        var plain = Gradients(model);

        Dictionary<string, Tensor> Joint(double lambda)
        {
            model.zero_grad();
            sourceHead.zero_grad();
            JointObjective.Loss(model, sourceHead, lambda, 0.1, targetImages, targetLabels, sourceImages, sourceLabels).Total.backward();
            return Gradients(model);
        }

        var zero = Joint(0);
        Assert.Equal(plain.Keys.Order(), zero.Keys.Order());
        foreach (var (name, gradient) in plain) Assert.True(Same(gradient, zero[name]), $"λ = 0 changed the gradient of {name}");
        Assert.Equal(0, sourceHead.weight!.grad!.abs().sum().item<float>());

        var half = Joint(0.5);
        Assert.False(Same(plain["backbone.conv1.weight"], half["backbone.conv1.weight"]), "the source term did not reach the backbone");
        Assert.False(Same(plain["backbone.layer2.0.weight"], half["backbone.layer2.0.weight"]), "the source term did not reach the backbone");
        Assert.True(Same(plain["head.weight"], half["head.weight"]), "the source term reached the target head");
        Assert.True(sourceHead.weight!.grad!.abs().sum().item<float>() > 0, "the source head got no gradient");
    }

    [Fact]
    public void Joint_steps_across_source_epochs_leave_no_tensor_behind()
    {
        var spec = TinyBackbone.Register();
        var options = Tiny("none");
        using var model = Backbones.CreateClassifier(spec, WeightsChoice.Builtin, null, 2, 3, GrayscaleMode.Replicate);
        var preprocessing = Backbones.EffectivePreprocessing(spec, 3, GrayscaleMode.Replicate);
        using var joint = new JointObjective(Source(), TransferPipeline.Build(preprocessing, 3, 16, augment: true), spec.FeatureDim, options, CPU);
        using var targetImages = randn(4, 3, 16, 16);
        using var targetLabels = tensor(new long[] { 0, 1, 1, 0 });
        void Step()
        {
            using var scope = NewDisposeScope();
            using var source = joint.Next();
            JointObjective.Loss(model, joint.Head, 1, 0.1, targetImages, targetLabels, source.Images, source.Labels).Total.backward();
        }

        Step(); // the parameters' gradients are created once
        var stats = DisposeScopeManager.Statistics;
        var live = stats.ThreadTotalLiveCount;
        // 20 images in batches of 8: two batches per source epoch, so this cycles through three reshuffled epochs.
        for (var i = 0; i < 6; i++) Step();
        // Each step disposes its source batch, whose two tensors a loader thread made: this thread's count drops by them.
        Assert.Equal(live - 6 * 2, stats.ThreadTotalLiveCount);
    }

    [Fact]
    public void A_joint_fine_tune_logs_the_source_loss_where_the_backbone_trains_and_at_lambda_zero_trains_exactly_as_a_plain_one()
    {
        var dataset = StripeData.Dataset(trainPerClass: 12, testPerClass: 4);
        var options = Tiny("auto") with { ProbeEpochs = 1, Epochs = 2 };
        var plain = new FineTuner(options).Run(dataset);
        var zero = new FineTuner(options with { SourceLambda = 0 }).Run(dataset, source: Source());
        var one = new FineTuner(options).Run(dataset, source: Source());
        using (plain.Model)
        using (zero.Model)
        using (one.Model)
        {
            // The probe on cached features has no source term; the fine-tune epochs have one.
            Assert.False(one.History[0].ContainsKey("train_source_loss"));
            Assert.All(one.History.Skip(1), h => Assert.True(h["train_source_loss"] > 0));
            Assert.All(one.History.Skip(1), h => Assert.InRange(h["train_source_accuracy"], 0, 1));

            var expected = plain.Model.Network.state_dict();
            var withZero = zero.Model.Network.state_dict();
            foreach (var (name, tensor) in expected) Assert.True(Same(tensor, withZero[name]), $"λ = 0 changed {name}");
            Assert.Equal(plain.History.Select(h => h["val_loss"]), zero.History.Select(h => h["val_loss"]));
            Assert.False(Same(expected["backbone.layer2.0.weight"], one.Model.Network.state_dict()["backbone.layer2.0.weight"]), "λ = 1 left the backbone as a plain fine-tune does");
        }
    }

    [Fact]
    public void A_resumed_joint_run_continues_the_source_stream_and_head_as_an_uninterrupted_one()
    {
        using var folder = new TempFolder();
        var dataset = StripeData.Dataset(trainPerClass: 12, testPerClass: 4);
        var options = Tiny("auto") with { ProbeEpochs = 1, Epochs = 3, SourceLambda = 0.5 };

        var straight = new FineTuner(options).Run(dataset, new RunFolder(folder["straight"]), source: Source());
        straight.Model.Dispose();
        // Killed after the first fine-tune epoch: the resume must start the source stream mid-way and restore its head.
        var interrupted = new FineTuner(options) { Callbacks = { new StopAfter(epochs: 2) } };
        interrupted.Run(dataset, new RunFolder(folder["resumed"]), source: Source()).Model.Dispose();
        var config = RunFolder.ReadJson<RunConfig>(Path.Combine(folder["resumed"], "config.json"));
        Assert.Equal(["rows", "columns"], config.SourceClasses);
        Assert.Equal(0.5, config.Options.SourceLambda);
        Assert.Throws<InputException>(() => FineTuner.Resume(new RunFolder(folder["resumed"]), dataset: dataset));

        var resumed = FineTuner.Resume(new RunFolder(folder["resumed"]), dataset: dataset, source: Source().Dataset);
        resumed.Model.Dispose();
        Assert.Equal(4, resumed.History.Count);
        foreach (var epoch in new[] { 2, 3 })
            foreach (var key in new[] { "train_loss", "train_source_loss", "train_source_accuracy", "val_loss", "val_accuracy" })
                Assert.True(Math.Abs(straight.History[epoch][key] - resumed.History[epoch][key]) < 1e-4,
                    $"epoch {epoch + 1} {key}: {straight.History[epoch][key]} straight, {resumed.History[epoch][key]} resumed");
    }

    [Fact]
    public void A_source_is_refused_with_a_frozen_backbone_and_lambda_must_not_be_negative()
    {
        var dataset = StripeData.Dataset(trainPerClass: 4, withTest: false);
        var frozen = Assert.Throws<InvalidOptionException>(() => new FineTuner(Tiny("all")).Run(dataset, source: Source()));
        Assert.Equal(["FineTuneOptions.Freeze"], frozen.Properties);
        Assert.Contains("never trains the backbone", frozen.Message);
        var lambda = Assert.Throws<InvalidOptionException>(() => new FineTuner(Tiny("none") with { SourceLambda = -1 }).Run(dataset, source: Source()));
        Assert.Equal("--lambda must be 0 or more, got -1.", lambda.Render(p => p == "FineTuneOptions.SourceLambda" ? "--lambda" : p));
    }

    /// <summary>Stops after a number of epochs, after their checkpoint, as a kill at that moment would.</summary>
    sealed class StopAfter(int epochs) : ICallback
    {
        public int Order => 300;

        public void AfterEpoch(TrainingContext context)
        {
            if (context.Epoch + 1 >= epochs) context.RequestStop("simulated kill");
        }
    }
}
