using System.Text.Json;
using System.Text.Json.Serialization;

namespace TransferGen.IO;

/// <summary>
/// The JSON conventions of every file TransferGen writes and every <c>--json</c> output: snake_case property names,
/// enums as snake_case strings, NaN and ±∞ written as the strings "NaN", "Infinity" and "-Infinity", devices by name,
/// indented. Dictionary keys are written as they are (no naming policy), and a <c>[JsonPropertyName]</c> or
/// <c>[JsonStringEnumMemberName]</c> on a member wins over the policy, so such formats keep their names.
/// </summary>
/// <remarks>
/// Both instances are read-only: a caller that needs another setting copies one (<c>new JsonSerializerOptions(JsonDefaults.Options)</c>).
/// </remarks>
public static class JsonDefaults
{
    /// <summary>The shared, indented settings.</summary>
    public static JsonSerializerOptions Options { get; } = Freeze(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        // A diverged run records NaN losses, and a best score starts at -∞; the file must still be written and read back.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower), new DeviceJsonConverter() },
    });

    /// <summary>The same settings on one line (JSON-lines files such as metrics.jsonl, compact report strings).</summary>
    public static JsonSerializerOptions Compact { get; } = Freeze(new JsonSerializerOptions(Options) { WriteIndented = false });

    static JsonSerializerOptions Freeze(JsonSerializerOptions options)
    {
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
