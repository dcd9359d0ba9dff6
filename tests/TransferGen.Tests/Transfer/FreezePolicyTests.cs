using TorchSharp;
using TransferGen.Models;
using TransferGen.Transfer;
using static TorchSharp.torch;

namespace TransferGen.Tests.Transfer;

public class FreezePolicyTests
{
    [Theory]
    [InlineData("auto", FreezeKind.Auto, null)]
    [InlineData("gradual", FreezeKind.Gradual, null)]
    [InlineData("all", FreezeKind.All, null)]
    [InlineData("none", FreezeKind.None, null)]
    [InlineData("until:layer3", FreezeKind.Until, "layer3")]
    public void Parses_the_freeze_values(string text, FreezeKind kind, string? stage) =>
        Assert.Equal(new FreezePolicy(kind, stage), FreezePolicy.Parse(text));

    [Theory]
    [InlineData("some")]
    [InlineData("until:")]
    public void Rejects_other_freeze_values(string text) => Assert.Throws<InputException>(() => FreezePolicy.Parse(text));

    [Fact]
    public void Until_a_stage_freezes_that_stage_and_the_earlier_ones_and_an_unknown_stage_is_an_input_error()
    {
        var spec = TinyBackbone.Register();
        using var model = Backbones.CreateClassifier(spec, WeightsChoice.Scratch, null, 2, 3, GrayscaleMode.Replicate);
        var policy = FreezePolicy.Parse("until:layer1");
        policy.Apply(model, spec);
        var trains = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.requires_grad);
        Assert.False(trains["backbone.conv1.weight"]);
        Assert.False(trains["backbone.bn1.weight"]);
        Assert.False(trains["backbone.layer1.0.weight"]);
        Assert.True(trains["backbone.layer2.0.weight"]);
        Assert.True(trains["head.weight"]);
        Assert.Throws<InputException>(() => FreezePolicy.Parse("until:layer9").Validate(spec));
    }

    [Fact]
    public void Frozen_batchnorm_keeps_its_running_statistics_through_a_training_step()
    {
        using var scope = NewDisposeScope();
        var spec = TinyBackbone.Register();
        manual_seed(4);
        using var model = Backbones.CreateClassifier(spec, WeightsChoice.Scratch, null, 2, 3, GrayscaleMode.Replicate);
        var policy = FreezePolicy.Parse("until:stem");
        policy.Apply(model, spec);
        policy.SetTrainMode(model, spec);
        var buffers = model.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        var frozenBefore = buffers["backbone.bn1.running_mean"].clone();
        var trainedBefore = buffers["backbone.layer1.1.running_mean"].clone();

        using var optimizer = optim.AdamW(model.parameters().Where(p => p.requires_grad), 0.01);
        var loss = nn.functional.cross_entropy(model.call(randn(4, 3, 16, 16) * 3 + 1), tensor(new long[] { 0, 1, 0, 1 }));
        loss.backward();
        optimizer.step();

        Assert.True(buffers["backbone.bn1.running_mean"].allclose(frozenBefore, rtol: 0, atol: 0), "a frozen BatchNorm updated its statistics");
        Assert.False(buffers["backbone.layer1.1.running_mean"].allclose(trainedBefore, rtol: 0, atol: 0), "a trainable BatchNorm did not update");
        Assert.Null(model.named_parameters().First(p => p.name == "backbone.conv1.weight").parameter.grad);
    }
}
