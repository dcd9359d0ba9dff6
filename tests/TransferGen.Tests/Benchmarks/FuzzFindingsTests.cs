using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using TransferGen.Benchmarks.Fuzzing;
using TransferGen.Tests.Data;

namespace TransferGen.Tests.Benchmarks;

/// <summary>
/// The damaged files the fuzzer found crashing a reader, each now refused with one sentence naming the file. Each test
/// builds the format's seed (FuzzCorpus), damages it in the way the failing case did and runs what a command does.
/// </summary>
public sealed class FuzzFindingsTests
{
    static (FuzzTarget Target, string Folder) Seed(TempFolder temp, string format)
    {
        var target = Assert.Single(FuzzCorpus.Create(temp["seeds"], [format]));
        var folder = temp["case"];
        FuzzHarness.CopyFolder(target.SeedFolder, folder);
        return (target, folder);
    }

    static InputException Refused(FuzzTarget target, string folder, string fileNamed)
    {
        var e = Assert.ThrowsAny<InputException>(() => target.Consume(folder));
        Assert.Contains(fileNamed, e.Message);
        return e;
    }

    /// <summary>Rewrites the JSON state of a checkpoint and its trailer.</summary>
    static void EditCheckpointState(string path, Action<JsonObject> edit)
    {
        var file = File.ReadAllBytes(path);
        var offset = (int)BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(file.Length - 24));
        var length = (int)BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(file.Length - 16));
        var state = JsonNode.Parse(file.AsSpan(offset, length))!.AsObject();
        edit(state);
        var json = Encoding.UTF8.GetBytes(state.ToJsonString());
        byte[] bytes = [.. file.AsSpan(0, offset), .. json, .. file.AsSpan(file.Length - 24)];
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(bytes.Length - 16), json.Length);
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public void A_random_generator_state_of_the_wrong_size_is_refused_instead_of_aborting_libtorch()
    {
        using var temp = new TempFolder();
        var (target, folder) = Seed(temp, "gan-checkpoint");
        var checkpoint = Path.Combine(folder, target.File);
        EditCheckpointState(checkpoint, s => s["rng"] = s["rng"]!.GetValue<string>() + "AAAA");
        Assert.Contains("random generator", Refused(target, folder, "checkpoint.pt").Message);
    }

    [Fact]
    public void A_trailer_length_that_overflows_is_refused()
    {
        using var temp = new TempFolder();
        var (target, folder) = Seed(temp, "run-checkpoint");
        var checkpoint = Path.Combine(folder, target.File);
        var bytes = File.ReadAllBytes(checkpoint);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(bytes.Length - 16), long.MaxValue);
        File.WriteAllBytes(checkpoint, bytes);
        Refused(target, folder, "checkpoint.pt");
    }

    [Fact]
    public void A_callback_state_of_the_wrong_type_is_refused()
    {
        using var temp = new TempFolder();
        var (target, folder) = Seed(temp, "run-checkpoint");
        var edited = false;
        EditCheckpointState(Path.Combine(folder, target.File), s =>
        {
            foreach (var (_, state) in s["callbacks"]!.AsObject())
                if (state is JsonObject o)
                    foreach (var key in o.Select(p => p.Key).ToList())
                        if (o[key] is JsonValue v && v.TryGetValue<int>(out _))
                        {
                            o[key] = 0.5;
                            edited = true;
                        }
        });
        Assert.True(edited, "the seed's checkpoint has no callback state with a whole number");
        Refused(target, folder, "checkpoint.pt");
    }

    [Fact]
    public void Weights_claiming_a_billion_dimensions_are_refused_before_anything_is_allocated()
    {
        using var temp = new TempFolder();
        var (target, folder) = Seed(temp, "run-model");
        var model = Path.Combine(folder, target.File);
        var bytes = File.ReadAllBytes(model);
        // The first entry: count (1 byte), name (length byte + UTF-8), dtype (1 byte), then the rank.
        var rankAt = 1 + 1 + bytes[1] + 1;
        byte[] damaged = [.. bytes[..rankAt], 0xFF, 0xFF, 0xFF, 0xFF, 0x03, .. bytes[(rankAt + 1)..]];
        File.WriteAllBytes(model, damaged);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Contains("dimensions", Refused(target, folder, "model.pt").Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 256 << 20, "the check allocated like the unchecked loader");
    }

    [Theory]
    [InlineData("std", "[0.229, 0.224, -1e400]")]
    [InlineData("weight_decay", "-1")]
    [InlineData("workers", "0")]
    public void A_classifier_config_that_no_model_can_be_built_from_is_refused(string field, string value)
    {
        using var temp = new TempFolder();
        var (target, folder) = Seed(temp, "run-config");
        var config = Path.Combine(folder, target.File);
        var json = JsonNode.Parse(File.ReadAllText(config))!.AsObject();
        var holder = field == "std" ? json["preprocessing"]!.AsObject() : json["options"]!.AsObject();
        Assert.True(holder.ContainsKey(field), $"config.json has no {field}");
        holder[field] = JsonNode.Parse(value);
        File.WriteAllText(config, json.ToJsonString());
        Refused(target, folder, "config.json");
    }

    [Theory]
    [InlineData("nz", "0")]
    [InlineData("ndf", "-64")]
    [InlineData("mlp_hidden", "2147483647")]
    public void A_gan_config_that_no_network_can_be_built_from_is_refused(string field, string value)
    {
        using var temp = new TempFolder();
        var (target, folder) = Seed(temp, "gan-config");
        var config = Path.Combine(folder, target.File);
        var json = JsonNode.Parse(File.ReadAllText(config))!.AsObject();
        json["options"]!["model"]![field] = JsonNode.Parse(value);
        File.WriteAllText(config, json.ToJsonString());
        Refused(target, folder, "config.json");
    }

    [Theory]
    [InlineData("0.5")]
    [InlineData("-3")]
    [InlineData("1e400")]
    public void A_safetensors_shape_that_is_not_a_dimension_is_refused(string dimension)
    {
        using var temp = new TempFolder();
        var (target, folder) = Seed(temp, "safetensors");
        var path = Path.Combine(folder, target.File);
        var file = File.ReadAllBytes(path);
        var length = (int)BinaryPrimitives.ReadInt64LittleEndian(file);
        var header = Encoding.UTF8.GetString(file, 8, length);
        var shape = header.IndexOf("\"shape\":[", StringComparison.Ordinal) + "\"shape\":[".Length;
        Assert.True(shape > 10, header);
        var end = header.IndexOfAny([',', ']'], shape);
        var damaged = Encoding.UTF8.GetBytes(header[..shape] + dimension + header[end..]);
        byte[] bytes = [.. new byte[8], .. damaged, .. file.AsSpan(8 + length)];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, damaged.Length);
        File.WriteAllBytes(path, bytes);
        Refused(target, folder, "weights.safetensors");
    }

    [Fact]
    public void An_onnx_node_without_a_required_input_is_refused()
    {
        using var temp = new TempFolder();
        var path = temp["bad.onnx"];
        File.WriteAllBytes(path, new OnnxModelWriter().Input("x", null, 3, 4, 4).Output("y").Node("Relu", [""], ["y"], "relu").ToBytes());
        using var module = TransferGen.Interop.Onnx.OnnxModule.Load(path);
        using var x = TorchSharp.torch.zeros(1, 3, 4, 4);
        var e = Assert.ThrowsAny<InputException>(() => module.call(x));
        Assert.Contains("bad.onnx", e.Message);
        Assert.Contains("relu", e.Message);
    }
}
