using TorchSharp;
using TransferGen.Data;
using TransferGen.Generation.Augmentation;
using TransferGen.Tests.Models.Gan;
using static TorchSharp.torch;

namespace TransferGen.Tests.Generation.Augmentation;

public class DiffAugmentTests
{
    public static TheoryData<string> Operations() => ["brightness", "saturation", "contrast", "translation", "cutout"];

    static IImageAugmentation Operation(string name) => name switch
    {
        "brightness" => new Brightness(),
        "saturation" => new Saturation(),
        "contrast" => new Contrast(),
        "translation" => new Translation(),
        "cutout" => new Cutout(),
        _ => throw new ArgumentException(name),
    };

    static Tensor Images(long batch, long channels, long side, int seed = 3)
    {
        using var rng = new torch.Generator((ulong)seed);
        return (rand(new[] { batch, channels, side, side }, generator: rng) * 2 - 1).MoveToOuterDisposeScope();
    }

    static float[] Values(Tensor t) => t.contiguous().data<float>().ToArray();

    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && Values(a).SequenceEqual(Values(b));

    [Theory]
    [MemberData(nameof(Operations))]
    public void Every_augmentation_keeps_the_shape_of_gray_and_colour_batches_and_is_seeded(string name)
    {
        using var scope = NewDisposeScope();
        foreach (var channels in new long[] { 1, 3 })
        {
            var x = Images(6, channels, 16);
            using var a = new torch.Generator(7);
            using var b = new torch.Generator(7);
            using var c = new torch.Generator(8);
            var first = Operation(name).Apply(x, 1.0, a);
            Assert.Equal(x.shape, first.shape);
            Assert.True(Same(first, Operation(name).Apply(x, 1.0, b)), $"{name}: the same seed gave another result");
            if (name == "saturation" && channels == 1) continue;   // gray has no colour: nothing to draw
            Assert.False(Same(first, Operation(name).Apply(x, 1.0, c)), $"{name}: another seed gave the same result");
            Assert.False(Same(first, x), $"{name} changed nothing");
        }
    }

    [Fact]
    public void Brightness_adds_one_offset_in_minus_half_to_half_per_image()
    {
        using var scope = NewDisposeScope();
        var x = Images(64, 3, 8);
        using var rng = new torch.Generator(1);
        var offset = new Brightness().Apply(x, 1.0, rng) - x;                                     // [B, C, H, W]
        var perImage = offset.flatten(1);
        Assert.True((perImage.max(1).values - perImage.min(1).values).max().item<float>() < 1e-5, "the offset varies within an image");
        var offsets = Values(perImage[.., 0]);
        Assert.All(offsets, o => Assert.InRange(o, -0.5f - 1e-5f, 0.5f + 1e-5f));
        Assert.True(offsets.Max() - offsets.Min() > 0.5, "the offsets barely vary between images");
    }

    /// <summary>The factor f with after = f · before for each image (least squares), checked to fit every pixel.</summary>
    static Tensor Factor(Tensor before, Tensor after)
    {
        var (b, a) = (before.flatten(1), after.flatten(1));
        var f = (a * b).sum(1) / (b * b).sum(1);                                      // [B]
        Assert.True((a - f.unsqueeze(1) * b).abs().max().item<float>() < 1e-4, "one image got several factors");
        return f;
    }

    [Fact]
    public void Saturation_scales_colour_around_each_pixels_gray_value_and_leaves_gray_images_alone()
    {
        using var scope = NewDisposeScope();
        var x = Images(32, 3, 8);
        using var rng = new torch.Generator(2);
        var y = new Saturation().Apply(x, 1.0, rng);
        var grayX = x.mean(new long[] { 1 }, keepdim: true);
        Assert.True(y.mean(new long[] { 1 }, keepdim: true).allclose(grayX, 0, 1e-5), "the gray value moved");
        var factor = Factor(x - grayX, y - grayX);
        var factors = Values(factor);
        Assert.All(factors, f => Assert.InRange(f, -1e-4f, 2.0001f));
        Assert.True(factors.Max() - factors.Min() > 0.5, "the factors barely vary between images");

        var gray = Images(4, 1, 8);
        Assert.Same(gray, new Saturation().Apply(gray, 1.0, rng));
    }

    [Fact]
    public void Contrast_scales_around_the_image_mean_by_a_half_to_one_and_a_half()
    {
        using var scope = NewDisposeScope();
        var x = Images(32, 1, 8);
        using var rng = new torch.Generator(3);
        var y = new Contrast().Apply(x, 1.0, rng);
        var mean = x.mean(new long[] { 1, 2, 3 }, keepdim: true);
        Assert.True(y.mean(new long[] { 1, 2, 3 }, keepdim: true).allclose(mean, 0, 1e-5), "the mean moved");
        var factors = Values(Factor(x - mean, y - mean));
        Assert.All(factors, f => Assert.InRange(f, 0.5f - 1e-4f, 1.5f + 1e-4f));
        Assert.True(factors.Max() - factors.Min() > 0.5, "the factors barely vary between images");
    }

    [Fact]
    public void Translation_shifts_each_image_by_up_to_an_eighth_of_its_side_filling_with_zeros()
    {
        using var scope = NewDisposeScope();
        const int B = 96, S = 16;
        // Pixel (i, j) holds 1 + i·S + j in every image and channel, so a pixel's value says where it came from.
        var x = (arange(S * S, ScalarType.Float32).view(1, 1, S, S) + 1).expand(B, 3, S, S).contiguous();
        using var rng = new torch.Generator(4);
        var y = new Translation().Apply(x, 1.0, rng);
        Assert.Equal(2, new Translation().MaxShift(S));
        var shifts = new HashSet<(int, int)>();
        for (var b = 0; b < B; b++)
        {
            var image = Values(y[b]);
            var k = Array.FindIndex(image, v => v != 0);   // some pixel that came from inside (a shift of ≤ 2 keeps most)
            var (i, j, v) = (k / S % S, k % S, (int)image[k] - 1);
            var (dy, dx) = (i - v / S, j - v % S);
            Assert.InRange(dy, -2, 2);
            Assert.InRange(dx, -2, 2);
            shifts.Add((dy, dx));
            for (var c = 0; c < 3; c++)
                for (var r = 0; r < S; r++)
                    for (var q = 0; q < S; q++)
                    {
                        var (sr, sq) = (r - dy, q - dx);
                        var expected = sr is >= 0 and < S && sq is >= 0 and < S ? 1 + sr * S + sq : 0;
                        Assert.Equal(expected, image[(c * S + r) * S + q]);
                    }
        }
        Assert.True(shifts.Count > 15, $"only {shifts.Count} of the 25 shifts occurred in {B} images");
        Assert.Contains(shifts, s => s.Item1 == -2);
        Assert.Contains(shifts, s => s.Item2 == 2);
    }

    [Fact]
    public void Cutout_zeroes_one_square_of_half_the_side_inside_each_image_and_blocks_its_gradient()
    {
        using var scope = NewDisposeScope();
        const int B = 40, S = 16;
        var x = (Images(B, 3, S) + 3).requires_grad_(true);   // all positive: only the cutout makes zeros
        using var rng = new torch.Generator(5);
        var y = new Cutout().Apply(x, 1.0, rng);
        y.sum().backward();
        var zero = y.detach().eq(0);                         // [B, C, H, W]
        Assert.True(zero.eq(zero[.., 0..1]).all().item<bool>(), "the channels were cut differently");
        var tops = new HashSet<int>();
        for (var b = 0; b < B; b++)
        {
            var mask = zero[b, 0];
            var rows = Enumerable.Range(0, S).Where(r => mask[r].any().item<bool>()).ToList();
            var columns = Enumerable.Range(0, S).Where(q => mask[.., q].any().item<bool>()).ToList();
            Assert.Equal(8, rows.Count);
            Assert.Equal(8, columns.Count);
            Assert.Equal(rows[0] + 7, rows[^1]);
            Assert.Equal(columns[0] + 7, columns[^1]);
            Assert.Equal(64, mask.sum().item<long>());        // the whole 8×8 square, nothing else
            tops.Add(rows[0]);
        }
        Assert.True(tops.Count > 4, "the square barely moves");
        Assert.True(y.detach().where(zero.logical_not(), 0).eq(x.detach().where(zero.logical_not(), 0)).all().item<bool>(), "pixels outside changed");
        // The gradient of the sum is 1 where a pixel stayed and 0 where it was cut.
        Assert.True(x.grad!.eq(zero.logical_not().to(ScalarType.Float32)).all().item<bool>());
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public void With_probability_each_image_is_augmented_or_left_exactly_as_it_was(string name)
    {
        using var scope = NewDisposeScope();
        const int B = 400;
        var x = Images(B, 3, 8);
        using var rng = new torch.Generator(6);
        var y = Operation(name).Apply(x, 0.3, rng);
        var changed = y.ne(x).flatten(1).any(1);
        var count = changed.sum().item<long>();
        // 120 expected; an image left "almost" as it was (rounding in (x − m)·1 + m, say) would count as changed.
        Assert.InRange(count, 80, 160);

        // p = 0 draws nothing and returns the input.
        using var state = rng.get_state();
        var before = state.data<byte>().ToArray();
        Assert.Same(x, Operation(name).Apply(x, 0.0, rng));
        using var after = rng.get_state();
        Assert.Equal(before, after.data<byte>().ToArray());
    }

    [Fact]
    public void Gradients_flow_through_every_policy_into_the_generator()
    {
        var shape = new ImageShape(3, 32, 32);
        var (g, d) = TinyGan.Create("dcgan", shape);
        using var scope = NewDisposeScope();
        var z = randn(4, g.LatentDim);
        var parameters = g.parameters().Cast<Tensor>().ToArray();
        Tensor GradientThrough(DiffAugment? policy)
        {
            using var rng = new torch.Generator(9);
            var fake = g.Generate(z, null);
            var seen = policy is null ? fake : policy.Apply(fake, rng);
            var (logit, _) = d.Forward(seen, null);
            var grads = autograd.grad([logit.mean()], parameters);
            return cat(grads.Select(gr => gr.flatten()).ToArray());
        }
        var plain = GradientThrough(null);
        foreach (var policy in new[] { "color", "translation", "cutout", "diff" })
        {
            var grad = GradientThrough(DiffAugment.Parse(policy));
            Assert.True(grad.abs().sum().item<float>() > 0, $"{policy}: no gradient reached G");
            Assert.False(grad.allclose(plain), $"{policy}: G's gradient is the unaugmented one, so the augmentation is not in the graph");
        }
    }

    [Fact]
    public void Applying_a_policy_inside_a_scope_leaves_no_tensor_behind()
    {
        using var x = rand(8, 3, 16, 16);
        using var rng = new torch.Generator(10);
        var policy = DiffAugment.Parse("diff");
        using (NewDisposeScope()) policy.Apply(x, rng, 0.5);   // warm-up
        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var i = 0; i < 3; i++)
            using (NewDisposeScope())
                policy.Apply(x, rng, i == 0 ? 1.0 : 0.5);
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Theory]
    [InlineData("diff", "brightness,saturation,contrast,translation,cutout")]
    [InlineData(" Color , translation", "brightness,saturation,contrast,translation")]
    [InlineData("cutout,color", "cutout,brightness,saturation,contrast")]
    [InlineData("none", "")]
    public void Policies_parse_to_their_augmentations_in_order(string policy, string operations)
    {
        var parsed = DiffAugment.Parse(policy);
        Assert.Equal(operations, string.Join(",", parsed.Operations.Select(o => o.Name)));
        Assert.Equal(operations.Length == 0, parsed.IsEmpty);
    }

    [Theory]
    [InlineData("colour", "Unknown augmentation 'colour' in Opt.Policy (give none, diff, or a comma list of: color, translation, cutout).")]
    [InlineData("color,color", "Opt.Policy names the augmentation 'color' twice.")]
    [InlineData("color,,cutout", "Opt.Policy has an empty entry ('color,,cutout').")]
    [InlineData("diff,cutout", "Unknown augmentation 'diff' in Opt.Policy (give none, diff, or a comma list of: color, translation, cutout).")]
    public void Bad_policies_are_one_sentence_naming_the_option(string policy, string message)
    {
        var error = Assert.Throws<InvalidOptionException>(() => DiffAugment.Parse(policy, "Opt.Policy"));
        Assert.Equal(message, error.Message);
        Assert.Equal(["Opt.Policy"], error.Properties);
    }
}
