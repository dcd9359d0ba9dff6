using System.Text.Json;

namespace TransferGen.Cli;

/// <summary>The JSON conventions of every `--json` output: snake_case keys, indented.</summary>
public static class CliJson
{
    /// <summary>Serializer options shared by all commands.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
    };
}
