using TorchSharp;
using static TorchSharp.torch;

namespace TransferGen.Tests.Training;

/// <summary>Proves the native library loads and autograd works in this process (CI runs it on a fresh machine).</summary>
public class TorchSmokeTests
{
    [Fact]
    public void A_small_network_trains_forward_and_backward()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(1);
        var model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2));
        var optimizer = optim.SGD(model.parameters(), 0.1);
        var x = torch.randn(32, 4);
        var y = (x[.., 0] > 0).to(ScalarType.Int64);
        float first = 0, last = 0;
        for (var i = 0; i < 50; i++)
        {
            using var step = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.call(x), y);
            loss.backward();
            optimizer.step();
            if (i == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        Assert.True(last < first * 0.5, $"loss should fall: {first} -> {last}");
    }
}
