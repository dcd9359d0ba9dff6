using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferGen.Tests;

public sealed class DevicesTests
{
    [Theory]
    [InlineData("cpu")]
    [InlineData("CPU")]
    [InlineData(" Cpu ")]
    public void Cpu_is_parsed_in_any_case(string name) => Assert.Equal(DeviceType.CPU, Devices.Parse(name).type);

    [Theory]
    [InlineData("gpu")]
    [InlineData("")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    [InlineData("cpu:0")]
    public void Unknown_names_are_one_sentence_input_errors(string name)
    {
        var error = Assert.Throws<InputException>(() => Devices.Parse(name));
        Assert.Contains($"'{name}'", error.Message);
        Assert.EndsWith(".", error.Message);
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("CUDA:0")]
    public void Cuda_without_a_cuda_device_is_an_input_error(string name)
    {
        if (cuda.is_available()) return;   // this project's LibTorch is the CPU build; on a CUDA build the name is valid
        var error = Assert.Throws<InputException>(() => Devices.Parse(name));
        Assert.Contains("no CUDA device", error.Message);
    }

    [Fact]
    public void Names_read_back_as_the_same_device()
    {
        Assert.Equal("cpu", Devices.Name(CPU));
        Assert.Equal("cuda", Devices.Name(new Device(DeviceType.CUDA, -1)));
        Assert.Equal("cuda:1", Devices.Name(new Device(DeviceType.CUDA, 1)));
        Assert.Equal(DeviceType.CPU, Devices.Parse(Devices.Name(CPU)).type);
    }

    sealed record WithDevice(Device Device);

    static readonly JsonSerializerOptions Json = new() { Converters = { new DeviceJsonConverter() } };

    [Fact]
    public void The_json_converter_writes_the_name_and_reads_it_back()
    {
        var json = JsonSerializer.Serialize(new WithDevice(CPU), Json);
        Assert.Equal("""{"Device":"cpu"}""", json);
        Assert.Equal(DeviceType.CPU, JsonSerializer.Deserialize<WithDevice>("""{"Device":"CPU"}""", Json)!.Device.type);
        Assert.Throws<InputException>(() => JsonSerializer.Deserialize<WithDevice>("""{"Device":"tpu"}""", Json));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<WithDevice>("""{"Device":0}""", Json));
    }
}
