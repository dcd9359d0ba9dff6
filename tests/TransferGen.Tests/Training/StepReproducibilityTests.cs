using TransferGen.Data.Transforms;
using TransferGen.Models;
using TransferGen.Tests.Transfer;
using static TorchSharp.torch;

namespace TransferGen.Tests.Training;

/// <summary>
/// A fine-tune step of the real pretrained network must be bit-reproducible while other threads run torch ops, as the
/// batch loader's workers do (rotations through grid_sample) and as parallel tests do: LibTorch's intra-op threads
/// must not make a reduction's order depend on timing. Rules that out as the source of run-to-run differences.
/// </summary>
[Collection(nameof(SerialTorchTests))]   // tests that change LibTorch's thread count (throughput) would change the bits
public class StepReproducibilityTests
{
    [Fact]
    public void Gradients_are_bit_identical_across_repeats_while_other_threads_run_torch_ops()
    {
        manual_seed(1);
        var spec = BackboneRegistry.Get("resnet18-imagenet");
        using var model = new Classifier(spec.CreatePretrained!(), spec.FeatureDim, 10);
        model.train();
        using var images = randn(16, 3, 32, 32);
        using var labels = randint(0, 10, [16], dtype: ScalarType.Int64);
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 2).Select(w => new Thread(() =>
        {
            var rng = new Random(w);
            using var image = rand(3, 28, 28);
            while (!stop.IsCancellationRequested)
                using (var rotated = RandomRotation.Rotate(image, 30 * rng.NextDouble() - 15)) _ = rotated.sum().item<float>();
        })).ToList();

        Tensor? first = null;
        try
        {
            for (int repeat = 0; repeat < 4; repeat++)
            {
                if (repeat == 2) workers.ForEach(t => t.Start());   // two repeats alone, two beside the workers
                using var scope = NewDisposeScope();
                model.zero_grad();
                nn.functional.cross_entropy(model.call(images), labels).backward();
                var gradients = cat(model.parameters().Select(p => p.grad!.flatten()).ToArray());
                if (first is null) first = gradients.detach().clone().MoveToOuterDisposeScope();
                else Assert.True(gradients.equal(first).all().item<bool>(),
                    $"repeat {repeat}: gradients differ by up to {(gradients - first).abs().max().item<float>()}");
            }
        }
        finally
        {
            stop.Cancel();
            workers.Where(t => t.IsAlive).ToList().ForEach(t => t.Join());
            first?.Dispose();
        }
    }
}
