using TransferGen.Models;
using TransferGen.Tests.Transfer;
using static TorchSharp.torch;

namespace TransferGen.Tests.Models;

/// <summary>Backbone code run outside any DisposeScope (model building, evaluation, feature caching, predict) must not leave tensors behind.</summary>
[Collection(nameof(SerialTorchTests))]   // counts the process's live tensors: nothing else may run meanwhile
public class BackboneHygieneTests
{
    [Theory]
    [InlineData("resnet18")]
    [InlineData("resnet50")]
    [InlineData("vgg16")]
    [InlineData("resnet18-imagenet")]
    public void One_forward_outside_a_dispose_scope_leaves_only_its_output(string name)
    {
        var spec = BackboneRegistry.Get(name);
        using var backbone = spec.CreatePretrained?.Invoke() ?? spec.CreateArchitecture();
        using var input = randn(2, 3, 64, 64);
        foreach (var training in new[] { false, true })
        {
            backbone.train(training);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long before = Tensor.TotalCount;
            using (var output = backbone.call(input)) Assert.Equal(spec.FeatureDim, output.shape[^1]);
            Assert.Equal(before, Tensor.TotalCount);
        }
    }

    [Fact]
    public void Adapting_the_first_conv_to_gray_leaves_nothing_to_the_finalizer()
    {
        var spec = BackboneRegistry.Get("resnet18");
        using var backbone = spec.CreateArchitecture();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        FirstConvAdapter.ToSingleChannel(backbone, spec.FirstConv);
        // TorchSharp's count never drops for the empty wrapper a Parameter takes its handle from, so the count is
        // compared across a collection instead: a tensor left unreferenced but undisposed is finalized there.
        long adapted = Tensor.TotalCount;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.Equal(adapted, Tensor.TotalCount);
        Assert.Equal(1, backbone.named_parameters().First(p => p.name == spec.FirstConv + ".weight").parameter.shape[1]);
    }
}
