using TransferGen.Models;
using TransferGen.Tests.Transfer;
using static TorchSharp.torch;

namespace TransferGen.Tests.Models;

/// <summary>Backbones called outside any DisposeScope (evaluation, feature caching, predict) must not leave tensors behind.</summary>
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
}
