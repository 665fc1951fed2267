"""An MNIST-example-style CNN on the 8x8 digits: dropout, log_softmax + nll_loss, StepLR, eval."""
import tinytorch as torch
import tinytorch.nn.functional as F
from tinytorch import nn
from tinytorch.utils.data import DataLoader, TensorDataset

use_cuda = torch.cuda.is_available()
device = torch.device("cuda" if use_cuda else "cpu")


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, 1)
        self.conv2 = nn.Conv2d(8, 16, 3, 1)
        self.dropout = nn.Dropout(0.25)
        self.fc = nn.Linear(16 * 2 * 2, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(self.dropout(x), 1)
        return F.log_softmax(self.fc(x), dim=1)


def build():
    return Net().to(device)


def data():
    images, labels = torch.data.load_digits()
    x = images.to(device)  # (N, 1, 8, 8), already scaled to [0, 1]
    return TensorDataset(x[:512], labels[:512].to(device)), TensorDataset(x[512:768],
                                                                          labels[512:768])


def train(model, epochs=3):
    train_set, test_set = data()
    loader = DataLoader(train_set, batch_size=64, shuffle=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
    losses = []
    for epoch in range(epochs):
        model.train()
        total = 0.0
        for data_batch, target in loader:
            optimizer.zero_grad()
            loss = F.nll_loss(model(data_batch), target)
            loss.backward()
            optimizer.step()
            total += loss.item() * data_batch.size(0)
        losses.append(total / len(loader.dataset))
        scheduler.step()
        model.eval()
        correct = 0
        with torch.no_grad():
            for data_batch, target in DataLoader(test_set, batch_size=128):
                pred = model(data_batch.to(device)).argmax(dim=1, keepdim=True)
                correct += pred.eq(target.to(device).view_as(pred)).sum().item()
        print(f"epoch {epoch}: loss {losses[-1]:.4f}, test accuracy {correct}/{len(test_set)}")
    return losses


if __name__ == "__main__":
    torch.manual_seed(1)
    train(build())
