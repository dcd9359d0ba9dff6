using System.Text.Json;
using TransferGen.Models;
using TransferGen.Tests.Data;
using TransferGen.Tests.Transfer;
using TransferGen.Transfer;
using static TorchSharp.torch;

namespace TransferGen.Tests.Models;

/// <summary>
/// Weight files made by real PyTorch (Debian's python3-torch 1.13; see Fixtures/make_pytorch_fixtures.py): a
/// torch.save state dict, a torch.onnx.export (BatchNorm folded into the convolutions) and torchvision's key lists.
/// </summary>
public class PyTorchFileTests
{
    static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Models", "Fixtures", name);

    static (Tensor Input, Tensor Features) Expected()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Fixture("tiny_expected.json")));
        Tensor Read(string values, string shape) => tensor(
            json.RootElement.GetProperty(values).EnumerateArray().Select(v => v.GetSingle()).ToArray(),
            json.RootElement.GetProperty(shape).EnumerateArray().Select(v => v.GetInt64()).ToArray());
        return (Read("input", "input_shape"), Read("features", "features_shape"));
    }

    static void AssertGivesPyTorchFeatures(string file)
    {
        using var scope = NewDisposeScope();
        var spec = TinyBackbone.Register();
        using var backbone = spec.CreateArchitecture();
        WeightsFile.Load(backbone, Fixture(file), spec);
        backbone.eval();
        using var _ = no_grad();
        var (input, expected) = Expected();
        var actual = backbone.call(input);
        double difference = (actual - expected).abs().max().item<float>();
        Assert.True(difference < 1e-5, $"{file}: largest difference from PyTorch's features {difference}");
    }

    [Fact]
    public void A_state_dict_saved_by_pytorch_gives_pytorchs_features() => AssertGivesPyTorchFeatures("tiny.pt");

    [Fact]
    public void An_onnx_export_with_folded_batchnorm_gives_pytorchs_features() => AssertGivesPyTorchFeatures("tiny.onnx");

    [Fact]
    public void Batch_statistics_on_a_folded_onnx_file_are_warned_about_and_nothing_else()
    {
        var warnings = new List<string>();
        foreach (var (file, keep) in new[] { ("tiny.onnx", true), ("tiny.pt", false), ("tiny.onnx", false) })
        {
            var options = TinyOptions.For("none", seed: 5) with { WeightsFile = Fixture(file), KeepBatchNormStatistics = keep, Epochs = 1 };
            using var model = new FineTuner(options) { Warn = warnings.Add }.Run(StripeData.Dataset(trainPerClass: 8, withTest: false)).Model;
        }
        var warning = Assert.Single(warnings);
        Assert.Contains("tiny.onnx had 3 BatchNorm layer(s) folded", warning);
        Assert.Contains("--train-bn-stats", warning);
    }

    [Fact]
    public void A_folded_batchnorm_becomes_an_identity_that_keeps_the_folded_bias()
    {
        var spec = TinyBackbone.Register();
        using var backbone = spec.CreateArchitecture();
        Assert.Equal(3, WeightsFile.Load(backbone, Fixture("tiny.onnx"), spec));
        var state = backbone.state_dict();
        foreach (var bn in new[] { "bn1", "layer1.1", "layer2.1" })
        {
            Assert.Equal(1f, state[$"{bn}.weight"].min().item<float>());
            Assert.Equal(1f, state[$"{bn}.weight"].max().item<float>());
            Assert.Equal(0f, state[$"{bn}.running_mean"].abs().max().item<float>());
            Assert.Equal(0f, state[$"{bn}.bias"].abs().max().item<float>());   // TinyBackbone's convs have biases: they take it
        }
        Assert.NotEqual(0f, state["conv1.bias"].abs().max().item<float>());
    }

    [Theory]
    [InlineData("resnet18")]
    [InlineData("resnet34")]
    [InlineData("resnet50")]
    [InlineData("vgg16")]
    public void Torchvision_state_dict_keys_and_shapes_map_onto_the_backbone(string name)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Fixture("torchvision_keys.json")));
        var spec = BackboneRegistry.Get(name);
        var torchvision = json.RootElement.GetProperty(name).EnumerateObject()
            .Where(p => !spec.ClassifierPrefixes.Any(c => p.Name.StartsWith(c, StringComparison.Ordinal)))
            .ToDictionary(p => p.Name, p => string.Join("×", p.Value.EnumerateArray().Select(d => d.GetInt64())));
        using var backbone = spec.CreateArchitecture();
        var ours = backbone.state_dict().ToDictionary(kv => kv.Key, kv => string.Join("×", kv.Value.shape));
        Assert.Equal(torchvision.OrderBy(kv => kv.Key, StringComparer.Ordinal), ours.OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void An_onnx_export_of_another_network_is_refused_with_the_file_and_the_reason()
    {
        using var resnet = BackboneRegistry.Get("resnet18").CreateArchitecture();
        var e = Assert.Throws<InputException>(() => WeightsFile.Load(resnet, Fixture("tiny.onnx"), BackboneRegistry.Get("resnet18")));
        Assert.Contains("tiny.onnx", e.Message);
        Assert.Contains("not a resnet18 network", e.Message);
    }

    [Fact]
    public void A_damaged_onnx_file_is_refused_with_the_file_named()
    {
        using var folder = new TempFolder();
        var damaged = folder["damaged.onnx"];
        var bytes = File.ReadAllBytes(Fixture("tiny.onnx"));
        File.WriteAllBytes(damaged, bytes[..(bytes.Length / 2)]);
        var spec = TinyBackbone.Register();
        using var backbone = spec.CreateArchitecture();
        var e = Assert.Throws<InputException>(() => WeightsFile.Load(backbone, damaged, spec));
        Assert.Contains(damaged, e.Message);
    }

    [Fact]
    public void A_pickle_that_would_run_a_command_is_refused_in_one_sentence_without_running_it()
    {
        using var temp = new TempFolder();
        var marker = "/tmp/pwned-test";
        File.Delete(marker);
        // pickle.dumps({"conv1.weight": <object whose __reduce__ is os.system("echo pwned > /tmp/pwned-test")>}, protocol=2),
        // inside the zip layout torch.save writes.
        var pickle = Convert.FromBase64String("gAJ9cQBYDAAAAGNvbnYxLndlaWdodHEBY3Bvc2l4CnN5c3RlbQpxAlgcAAAAZWNobyBwd25lZCA+IC90bXAvcHduZWQtdGVzdHEDhXEEUnEFcy4=");
        var path = temp["evil.pth"];
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create))
        {
            using (var entry = zip.CreateEntry("archive/data.pkl").Open()) entry.Write(pickle);
            using (var version = new StreamWriter(zip.CreateEntry("archive/version").Open())) version.Write("3\n");
        }
        var spec = TinyBackbone.Register();
        using var backbone = spec.CreateArchitecture();
        var e = Assert.Throws<InputException>(() => WeightsFile.Load(backbone, path, spec));
        Assert.Contains(path, e.Message);
        Assert.Contains("'posix.system'", e.Message);
        Assert.DoesNotContain("IObjectConstructor", e.Message);
        Assert.False(File.Exists(marker), "the pickled command ran");
    }
}
