using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TransferGen.Models;

/// <summary>Adapts a backbone's first convolution to one input channel (see <see cref="GrayscaleMode.Adapt"/>).</summary>
internal static class FirstConvAdapter
{
    /// <summary>
    /// Replaces the weight [out, 3, kh, kw] of the convolution called <paramref name="convName"/> in
    /// <paramref name="backbone"/> by its sum over the input channels, [out, 1, kh, kw]. Because convolution is linear
    /// in its input, the adapted layer on a gray image x equals the original layer on (x, x, x).
    /// </summary>
    public static void ToSingleChannel(Module backbone, string convName)
    {
        var conv = backbone.named_modules().FirstOrDefault(m => m.name == convName).module as TorchSharp.Modules.Conv2d
                   ?? throw new InvalidOperationException($"the backbone has no Conv2d called '{convName}'");
        if (conv.weight is not { } weight) throw new InvalidOperationException($"'{convName}' has no weight");
        if (weight.shape[1] == 1) return;
        if (conv.groups != 1) throw new InvalidOperationException($"'{convName}' is a grouped convolution; only plain ones can be adapted");
        using (no_grad())
        {
            using var summed = weight.sum(1, keepdim: true);
            // The new parameter takes over the detached handle; the old weight belongs to nothing once replaced.
            conv.weight = new TorchSharp.Modules.Parameter(summed.detach(), requires_grad: weight.requires_grad);
            weight.Dispose();
        }
        SetInChannels(conv, 1);
    }

    /// <summary>
    /// TorchSharp's Conv2d checks inputs against its read-only <c>in_channels</c>, and replacing the module inside an
    /// arbitrary parent (a Sequential, a custom module's field) has no public API, so the checked value is updated in
    /// place. The adapter's tests fail loudly should a TorchSharp release rename the backing field.
    /// </summary>
    static void SetInChannels(TorchSharp.Modules.Convolution conv, long channels)
    {
        var field = typeof(TorchSharp.Modules.Convolution).GetField("<in_channels>k__BackingField",
                        System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)
                    ?? throw new InvalidOperationException("this TorchSharp version keeps Conv2d.in_channels elsewhere; update FirstConvAdapter");
        field.SetValue(conv, channels);
    }
}
