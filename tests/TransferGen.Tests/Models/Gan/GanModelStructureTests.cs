using TorchSharp.Modules;
using TransferGen.Data;
using TransferGen.Models.Gan;
using static TorchSharp.torch;

namespace TransferGen.Tests.Models.Gan;

public class GanModelStructureTests
{
    [Fact]
    public void DcganStateDictKeysFollowPytorchExamples()
    {
        var (g, d) = GanFactory.Create("dcgan", new ImageShape(3, 64, 64), 0, TinyGan.Options());
        var gKeys = g.state_dict().Keys.ToHashSet();
        Assert.Contains("main.0.weight", gKeys);          // first ConvTranspose2d
        Assert.Contains("main.1.running_mean", gKeys);    // its BatchNorm
        Assert.Contains("main.12.weight", gKeys);         // last ConvTranspose2d (64 px: 4 blocks of 3, then the output conv)
        var dKeys = d.state_dict().Keys.ToHashSet();
        Assert.Contains("main.0.weight", dKeys);
        Assert.Contains("out.weight", dKeys);
    }

    [Fact]
    public void ConditionalAndSpectralVariantsAddTheirParameters()
    {
        var shape = new ImageShape(1, 32, 32);
        var proj = GanFactory.CreateDiscriminator("cdcgan", shape, 10, TinyGan.Options());
        Assert.Equal(new long[] { 10, 16 * 4 * 4 }, proj.state_dict()["embed.weight"].shape);   // F·base·base = 4·4 · 4·4
        var ac = GanFactory.CreateDiscriminator("cdcgan", shape, 10, TinyGan.Options(conditioning: ConditionalDiscriminator.AuxiliaryClassifier));
        Assert.Contains("classifier.weight", ac.state_dict().Keys);
        var sn = GanFactory.CreateDiscriminator("dcgan", shape, 0, TinyGan.Options(spectralNorm: true));
        var keys = sn.state_dict().Keys.ToHashSet();
        Assert.Contains("main.0.module.weight", keys);
        Assert.Contains("main.0.weight_u", keys);
        Assert.Contains("out.weight_v", keys);
        Assert.DoesNotContain(sn.modules(), m => m is BatchNorm2d);   // SN implies no BatchNorm by default
        Assert.Contains(GanFactory.CreateGenerator("cdcgan", shape, 10, TinyGan.Options()).state_dict().Keys, k => k == "embed.weight");
    }

    [Fact]
    public void DcganInitializationFollowsThePaper()
    {
        random.manual_seed(3);
        var (g, d) = GanFactory.Create("dcgan", new ImageShape(3, 64, 64), 0, new GanOptions());
        foreach (var module in g.modules().Concat(d.modules()))
        {
            switch (module)
            {
                case Convolution conv:
                    Assert.InRange(conv.weight.std().item<float>(), 0.018f, 0.022f);
                    Assert.InRange(conv.weight.mean().item<float>(), -0.002f, 0.002f);
                    break;
                case BatchNorm2d bn:
                    Assert.InRange(bn.weight!.mean().item<float>(), 0.98f, 1.02f);
                    Assert.Equal(0f, bn.bias!.abs().max().item<float>());
                    break;
            }
        }
    }
}
