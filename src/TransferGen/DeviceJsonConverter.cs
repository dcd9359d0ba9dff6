using System.Text.Json;
using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace TransferGen;

/// <summary>
/// Stores a TorchSharp <see cref="Device"/> in JSON as its name ("cpu", "cuda:0"), read back with
/// <see cref="Devices.Parse"/>, so an options record can hold a device and still be written to a config file.
/// </summary>
/// <remarks>
/// Reading a config that names a CUDA device on a machine without one throws <see cref="Devices.Parse"/>'s
/// <see cref="InputException"/>, as passing that name on the command line would.
/// </remarks>
public sealed class DeviceJsonConverter : JsonConverter<Device>
{
    /// <inheritdoc />
    public override Device Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? Devices.Parse(reader.GetString()!)
            : throw new JsonException($"a device must be a string such as \"cpu\" or \"cuda:0\", not {reader.TokenType}");

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Device value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(Devices.Name(value));
    }
}
