using TorchSharp;
var x = torch.randn(4, 3, requires_grad: true);
var y = (x * x).sum();
y.backward();
Console.WriteLine($"ok {y.item<float>()} {x.grad!.shape[0]}");
