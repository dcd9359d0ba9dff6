using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferGen;

/// <summary>
/// The one place that turns a device name from the command line or a config file ("cpu", "cuda", "cuda:1") into a
/// TorchSharp <see cref="Device"/>, and a device back into that name.
/// </summary>
public static class Devices
{
    /// <summary>
    /// The device called <paramref name="name"/>: <c>cpu</c>, <c>cuda</c> (the current CUDA device) or <c>cuda:N</c>,
    /// in any letter case. An <see cref="InputException"/> when the name is unknown or names a CUDA device this
    /// process cannot use.
    /// </summary>
    public static Device Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var text = name.Trim().ToLowerInvariant();
        if (text == "cpu") return CPU;
        if (text == "cuda")
        {
            RequireCuda(name);
            return CUDA;
        }
        if (text.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            RequireCuda(name);
            var count = cuda.device_count();
            if (index >= count)
                throw new InputException($"Device '{name}' does not exist: TorchSharp sees {count} CUDA device(s), numbered from 0.");
            return torch.device(DeviceType.CUDA, index);
        }
        throw new InputException($"Unknown device '{name}' (use cpu, cuda or cuda:N).");
    }

    /// <summary>
    /// The name <see cref="Parse"/> reads back as <paramref name="device"/>: "cpu", "cuda" (no index given) or "cuda:0".
    /// </summary>
    public static string Name(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var type = device.type.ToString().ToLowerInvariant();
        return device.type == DeviceType.CPU || device.index < 0
            ? type
            : string.Create(CultureInfo.InvariantCulture, $"{type}:{device.index}");
    }

    static void RequireCuda(string name)
    {
        if (!cuda.is_available())
            throw new InputException($"Device '{name}' was asked for, but no CUDA device is available to TorchSharp on this machine.");
    }

    /// <summary>The CPU's model name from /proc/cpuinfo, or the process architecture where that is unavailable.</summary>
    public static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line != null) return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
    }
}
